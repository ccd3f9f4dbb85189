// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using RaftCache.Storage;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// A node's disk: src/Storage's in-memory WAL twin (<see cref="MemoryWal"/>, the same code and byte format as on a
/// real disk, where a crash discards unsynced bytes) under the production host, with the <see cref="SimDisk"/> model
/// fed alongside. The host calls <see cref="Sync"/> from its sync executor, which the node runs when the schedule
/// says the fsync returns; until then the bytes are undurable, so a crash meanwhile loses them exactly as a crash
/// inside a slow fsync would.
/// </summary>
public sealed class SimWal(SimNode node, bool rejectCommittedTruncation) : IWriteAheadLog
{
    private readonly MemoryWal _wal = new(WalOptions.ForTests with { RejectCommittedTruncation = rejectCommittedTruncation });
    private readonly List<(ulong Group, IReadOnlyList<Entry> Entries)> _written = [];

    public SimDisk Model { get; } = new();

    public IReadOnlyDictionary<ulong, GroupState> Recovered => _wal.Recovered;

    public ulong DurableSequence => _wal.DurableSequence;

    public ulong StageEntries(ulong groupId, IReadOnlyList<Entry> entries)
    {
        try
        {
            Model.Append(groupId, entries);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"n{node.Id} g{groupId}: {e.Message}", e);
        }
        if (entries.Count > 0) _written.Add((groupId, entries.ToArray()));
        return _wal.StageEntries(groupId, entries);
    }

    public ulong StageHardState(ulong groupId, HardState hardState)
    {
        Model.SetHardState(groupId, hardState);
        return _wal.StageHardState(groupId, hardState);
    }

    public ulong StageSnapshot(ulong groupId, SnapshotMetadata metadata)
    {
        Model.StageSnapshot(groupId, metadata);
        return _wal.StageSnapshot(groupId, metadata);
    }

    public ulong StageCompact(ulong groupId, ulong index)
    {
        Model.Compact(groupId, index);
        return _wal.StageCompact(groupId, index);
    }

    public IReadOnlyDictionary<ulong, GroupTombstone> Tombstones => _wal.Tombstones;

    public void WriteTombstone(ulong groupId, GroupTombstone tombstone) => _wal.WriteTombstone(groupId, tombstone);

    public ulong StageDropGroup(ulong groupId)
    {
        Model.Drop(groupId);
        node.OnDropStaged(groupId);
        return _wal.StageDropGroup(groupId);
    }

    /// <summary>Makes everything staged durable and tells the node what became durable.</summary>
    public ulong Sync()
    {
        _wal.Sync();
        Model.Sync();
        node.OnSynced(_written);
        _written.Clear();
        return _wal.DurableSequence;
    }

    public GroupState? GetGroup(ulong groupId) => _wal.GetGroup(groupId);

    public void WriteSnapshot(ulong groupId, SnapshotMetadata metadata, Stream data) => _wal.WriteSnapshot(groupId, metadata, data);

    public long WriteSnapshot(ulong groupId, SnapshotMetadata metadata, Action<Stream> write) => _wal.WriteSnapshot(groupId, metadata, write);

    public Stream OpenSnapshot(ulong groupId, ulong index) => _wal.OpenSnapshot(groupId, index);

    /// <summary>Power loss: unsynced bytes vanish.</summary>
    public void Crash()
    {
        _written.Clear();
        _wal.Crash();
        Model.Crash();
    }

    /// <summary>Reopens the WAL from what survived; it must recover exactly what the model synced.</summary>
    public void Restart()
    {
        var recovered = _wal.Restart();
        var got = string.Join("; ", recovered.OrderBy(p => p.Key)
            .Select(p => new RecoveredGroup(p.Key, p.Value.HardState, p.Value.Snapshot, p.Value.EntriesAfterSnapshot))
            .Where(g => !g.IsEmpty));
        var want = string.Join("; ", Model.Recover());
        if (want != got) throw new SimInvariantException("storage recovers exactly the synced state", $"WAL recovered {got}\n  but the synced model holds {want}");
    }

    /// <summary>Test-only storage fault: from now until the next crash, the WAL's disk acknowledges fsyncs it does not do.</summary>
    public void StartLying() => _wal.Disk.IgnoreSyncs = true;

    /// <summary>The disk outlives the node: a stopping node disposes its WAL, and what happens to the bytes is <see cref="Crash"/>'s to say.</summary>
    public void Dispose()
    {
    }
}
