// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage.Tests;

/// <summary>Opens a WAL and restarts it the way its medium allows: the contract tests run against each.</summary>
public abstract class WalHarness : IDisposable
{
    public abstract IWriteAheadLog Wal { get; }

    /// <summary>Stops the WAL as a process exit would (everything synced survives) and recovers it.</summary>
    public abstract IReadOnlyDictionary<ulong, GroupState> Restart();

    /// <summary>Segment files present now (relative paths, oldest first).</summary>
    public abstract IReadOnlyList<string> SegmentFiles { get; }

    /// <summary>Snapshot file names present now.</summary>
    public abstract IReadOnlyList<string> SnapshotFiles { get; }

    public abstract void Dispose();

    /// <summary>The log's directory also holds the tombstone file.</summary>
    protected static bool IsSegment(string name) => name.EndsWith(".seg", StringComparison.Ordinal);
}

public sealed class MemoryHarness(WalOptions options) : WalHarness
{
    private readonly MemoryWal _wal = new(options);

    public MemoryWal MemoryWal => _wal;

    public override IWriteAheadLog Wal => _wal;

    public override IReadOnlyDictionary<ulong, GroupState> Restart()
    {
        _wal.Crash();
        return _wal.Restart();
    }

    public override IReadOnlyList<string> SegmentFiles => [.. _wal.Disk.ListFiles("wal").Where(IsSegment)];

    public override IReadOnlyList<string> SnapshotFiles => _wal.Disk.ListFiles("snap");

    public override void Dispose() => _wal.Dispose();
}

public sealed class FileHarness : WalHarness
{
    private readonly WalOptions _options;
    private WriteAheadLog _wal;

    public FileHarness(WalOptions options)
    {
        _options = options;
        Directory = Path.Combine(Path.GetTempPath(), "raftcache-storage-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        _wal = WriteAheadLog.OpenDirectory(Directory, options);
    }

    public string Directory { get; }

    public override IWriteAheadLog Wal => _wal;

    public override IReadOnlyDictionary<ulong, GroupState> Restart()
    {
        _wal.Dispose();
        _wal = WriteAheadLog.OpenDirectory(Directory, _options);
        return _wal.Recovered;
    }

    public override IReadOnlyList<string> SegmentFiles => [.. new FileDisk(Directory).ListFiles("wal").Where(IsSegment)];

    public override IReadOnlyList<string> SnapshotFiles => new FileDisk(Directory).ListFiles("snap");

    public override void Dispose()
    {
        _wal.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; never fail a test on cleanup.
        }
    }
}
