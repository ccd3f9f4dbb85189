// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Storage;

/// <summary>
/// The in-memory twin of the file WAL for the simulation: the same <see cref="WriteAheadLog"/> code and byte
/// format on a <see cref="MemoryDisk"/>. <see cref="Crash"/> loses every unsynced byte (optionally keeping a torn
/// prefix) and kills this instance; <see cref="Restart"/> recovers from what survived, as a node process would.
/// </summary>
public sealed class MemoryWal : IWriteAheadLog
{
    private readonly WalOptions _options;
    private WriteAheadLog? _wal;

    public MemoryWal(WalOptions? options = null, MemoryDisk? disk = null)
    {
        _options = options ?? WalOptions.ForTests;
        Disk = disk ?? new MemoryDisk();
        _wal = WriteAheadLog.Open(Disk, _options);
    }

    /// <summary>The disk: survives crashes; tests inject faults through it.</summary>
    public MemoryDisk Disk { get; }

    /// <summary>True between <see cref="Crash"/> and <see cref="Restart"/>.</summary>
    public bool IsCrashed => _wal is null;

    private WriteAheadLog Wal => _wal ?? throw new InvalidOperationException("the node has crashed; call Restart");

    /// <summary>Power loss: unsynced bytes vanish, except the first <paramref name="keepUnsyncedBytes"/> of them (a torn write).</summary>
    public void Crash(long keepUnsyncedBytes = 0)
    {
        _wal?.Dispose();
        _wal = null;
        Disk.Crash(keepUnsyncedBytes);
    }

    /// <summary>Recovers from the disk; the result is in <see cref="Recovered"/>. Throws <see cref="StorageCorruptionException"/> on damage.</summary>
    public IReadOnlyDictionary<ulong, GroupState> Restart()
    {
        _wal?.Dispose();
        _wal = null;
        _wal = WriteAheadLog.Open(Disk, _options);
        return _wal.Recovered;
    }

    public IReadOnlyDictionary<ulong, GroupState> Recovered => Wal.Recovered;

    public ulong DurableSequence => Wal.DurableSequence;

    public IReadOnlyList<string> SegmentFiles => Wal.SegmentFiles;

    public ulong StageEntries(ulong groupId, IReadOnlyList<Entry> entries) => Wal.StageEntries(groupId, entries);

    public ulong StageHardState(ulong groupId, HardState hardState) => Wal.StageHardState(groupId, hardState);

    public ulong StageSnapshot(ulong groupId, SnapshotMetadata metadata) => Wal.StageSnapshot(groupId, metadata);

    public IReadOnlyDictionary<ulong, GroupTombstone> Tombstones => Wal.Tombstones;

    public void WriteTombstone(ulong groupId, GroupTombstone tombstone) => Wal.WriteTombstone(groupId, tombstone);

    public ulong StageCompact(ulong groupId, ulong index) => Wal.StageCompact(groupId, index);

    public ulong StageDropGroup(ulong groupId) => Wal.StageDropGroup(groupId);

    public ulong Sync() => Wal.Sync();

    public GroupState? GetGroup(ulong groupId) => Wal.GetGroup(groupId);

    public void WriteSnapshot(ulong groupId, SnapshotMetadata metadata, Stream data) => Wal.WriteSnapshot(groupId, metadata, data);

    public long WriteSnapshot(ulong groupId, SnapshotMetadata metadata, Action<Stream> write) => Wal.WriteSnapshot(groupId, metadata, write);

    public Stream OpenSnapshot(ulong groupId, ulong index) => Wal.OpenSnapshot(groupId, index);

    public void Dispose() => _wal?.Dispose();
}
