// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    private readonly Dictionary<ulong, GroupTombstone> _tombstones = [];

    public IReadOnlyDictionary<ulong, GroupTombstone> Tombstones
    {
        get { lock (_tombstones) return new Dictionary<ulong, GroupTombstone>(_tombstones); }
    }

    /// <summary>
    /// Durable on return (temporary file, fsync, rename, directory fsync), so that it is on disk before the drop
    /// record that deletes the replica's own term, vote and log. Rare (a replica leaves this node), so the fsync is
    /// not batched with the log's.
    /// </summary>
    public void WriteTombstone(ulong groupId, GroupTombstone tombstone)
    {
        lock (_syncLock) ThrowIfUnusable();
        lock (_tombstones)
        {
            _tombstones[groupId] = _tombstones.TryGetValue(groupId, out var earlier) ? tombstone.Merge(earlier) : tombstone;
            var bytes = TombstoneFile.Encode(_tombstones);
            try
            {
                if (_disk.Exists(TombstoneFile.TempPath)) _disk.Delete(TombstoneFile.TempPath);
                using (var file = _disk.Create(TombstoneFile.TempPath, 0))
                {
                    file.Write(0, bytes);
                    file.Sync();
                }

                _disk.Rename(TombstoneFile.TempPath, TombstoneFile.Path);
                _disk.SyncDirectory(WalDirectory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                lock (_syncLock) throw Fail("tombstone write", e);
            }
        }
    }

    /// <summary>A damaged tombstone file stops recovery: forgetting it could let a re-created replica vote unsafely.</summary>
    private void RecoverTombstones()
    {
        if (!_disk.Exists(TombstoneFile.Path)) return;
        byte[] bytes;
        using (var file = _disk.Open(TombstoneFile.Path))
        {
            bytes = new byte[file.Length];
            var done = 0;
            while (done < bytes.Length && file.Read(done, bytes.AsSpan(done)) is var read and > 0) done += read;
        }

        try
        {
            foreach (var (group, tombstone) in TombstoneFile.Decode(bytes)) _tombstones[group] = tombstone;
        }
        catch (FormatException e)
        {
            throw new StorageCorruptionException(TombstoneFile.Path, 0, e.Message);
        }
    }
}
