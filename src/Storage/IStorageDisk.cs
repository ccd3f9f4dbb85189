// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

/// <summary>
/// The few file-system operations storage needs, so that the same WAL and snapshot code runs on real files
/// (<see cref="FileDisk"/>) and on the simulation's <see cref="MemoryDisk"/>. Paths are relative to the disk's
/// root and use '/' ("wal/00000001.seg"). Implementations throw <see cref="IOException"/> on failure; callers
/// turn that into <see cref="StorageFailedException"/>.
/// Durability contract (POSIX): written bytes survive a crash only after <see cref="IStorageFile.Sync"/>;
/// a created, renamed or deleted name survives only after <see cref="SyncDirectory"/> of its directory.
/// </summary>
public interface IStorageDisk
{
    void CreateDirectory(string directory);

    /// <summary>File names (not paths) in <paramref name="directory"/>, sorted ordinally; empty if it does not exist.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    bool Exists(string path);

    /// <summary>Creates a new file (fails if it exists) of <paramref name="preallocateBytes"/> zero bytes.</summary>
    IStorageFile Create(string path, long preallocateBytes);

    IStorageFile Open(string path);

    /// <summary>Atomically replaces <paramref name="destination"/> with <paramref name="source"/>.</summary>
    void Rename(string source, string destination);

    void Delete(string path);

    /// <summary>Makes creations, renames and deletions in <paramref name="directory"/> durable.</summary>
    void SyncDirectory(string directory);
}

/// <summary>An open file: positional reads and writes, and fsync. Not thread-safe.</summary>
public interface IStorageFile : IDisposable
{
    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns the count (0 at end of file).</summary>
    int Read(long offset, Span<byte> buffer);

    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Makes every byte written so far durable (fsync).</summary>
    void Sync();
}
