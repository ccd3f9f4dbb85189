// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage.Tests;

/// <summary>
/// Real files with simulated power loss: remembers, for every write not yet covered by an fsync, the bytes it
/// overwrote, and on <see cref="Crash"/> puts them back (keeping an optional prefix of the unsynced writes, the
/// last one torn). Files created and never synced stay, zero-filled, as a journaling file system may leave them.
/// With <see cref="LieAboutSyncs"/> an fsync still runs but is treated as lost, to crash "inside" a sync,
/// and deletions are dropped (they would have followed that sync).
/// </summary>
internal sealed class CrashableFileDisk(string root) : IStorageDisk
{
    private readonly FileDisk _disk = new(root);
    private readonly List<Write> _unsynced = [];

    public bool LieAboutSyncs { get; set; }

    public long UnsyncedBytes => _unsynced.Sum(w => (long)w.Data.Length);

    public void Crash(long keepUnsyncedBytes)
    {
        for (var i = _unsynced.Count - 1; i >= 0; i--) Poke(_unsynced[i].Path, _unsynced[i].Offset, _unsynced[i].Before);
        foreach (var write in _unsynced)
        {
            if (keepUnsyncedBytes <= 0) break;
            var kept = (int)Math.Min(keepUnsyncedBytes, write.Data.Length);
            Poke(write.Path, write.Offset, write.Data.AsSpan(0, kept).ToArray());
            keepUnsyncedBytes -= kept;
        }

        _unsynced.Clear();
        LieAboutSyncs = false;
    }

    private void Poke(string path, long offset, byte[] bytes)
    {
        if (!_disk.Exists(path)) return;
        using var file = _disk.Open(path);
        file.Write(offset, bytes);
        file.Sync();
    }

    public void CreateDirectory(string directory) => _disk.CreateDirectory(directory);

    public IReadOnlyList<string> ListFiles(string directory) => _disk.ListFiles(directory);

    public bool Exists(string path) => _disk.Exists(path);

    public IStorageFile Create(string path, long preallocateBytes) => new Tracked(this, path, _disk.Create(path, preallocateBytes));

    public IStorageFile Open(string path) => new Tracked(this, path, _disk.Open(path));

    public void Rename(string source, string destination)
    {
        _disk.Rename(source, destination);
        _unsynced.RemoveAll(w => w.Path == source); // the renamed file was fsynced before (snapshot protocol)
    }

    public void Delete(string path)
    {
        // A deletion issued after a sync that will be lost is lost too (the crash beats the directory update).
        if (LieAboutSyncs) return;
        _disk.Delete(path);
        _unsynced.RemoveAll(w => w.Path == path);
    }

    public void SyncDirectory(string directory) => _disk.SyncDirectory(directory);

    private sealed record Write(string Path, long Offset, byte[] Before, byte[] Data);

    private sealed class Tracked(CrashableFileDisk owner, string path, IStorageFile inner) : IStorageFile
    {
        public long Length => inner.Length;

        public int Read(long offset, Span<byte> buffer) => inner.Read(offset, buffer);

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            var before = new byte[data.Length];
            var read = inner.Read(offset, before);
            owner._unsynced.Add(new Write(path, offset, before, data.ToArray()));
            if (read < before.Length) Array.Clear(before, read, before.Length - read);
            inner.Write(offset, data);
        }

        public void Sync()
        {
            inner.Sync();
            if (!owner.LieAboutSyncs) owner._unsynced.RemoveAll(w => w.Path == path);
        }

        public void Dispose() => inner.Dispose();
    }
}
