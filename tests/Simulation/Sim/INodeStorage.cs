// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>What a node recovers for one group after a crash: only what was synced.</summary>
public sealed record RecoveredGroup(ulong Group, HardState HardState, Snapshot Snapshot, IReadOnlyList<Entry> Entries);

/// <summary>
/// A simulated node's disk, shared by all its groups. Writes are staged (written but not durable) until
/// <see cref="Sync"/>; <see cref="Crash"/> loses everything unsynced. The Durable* queries let the oracle
/// check that acknowledgements and votes only ever leave a node after they are durable.
/// </summary>
public interface INodeStorage
{
    void Append(ulong group, IReadOnlyList<Entry> entries);

    void SetHardState(ulong group, HardState hardState);

    /// <summary>A snapshot received from the leader: replaces the group's log.</summary>
    void InstallSnapshot(ulong group, Snapshot snapshot);

    /// <summary>A snapshot taken locally at an applied index: entries up to it are dropped.</summary>
    void SaveLocalSnapshot(ulong group, Snapshot snapshot);

    void Sync();

    /// <summary>Power loss: unsynced writes vanish.</summary>
    void Crash();

    /// <summary>Recovers every group with synced state, in ascending group order.</summary>
    IReadOnlyList<RecoveredGroup> Recover();

    HardState DurableHardState(ulong group);

    /// <summary>True when (index, term) is in the synced log, or covered by the synced snapshot.</summary>
    bool DurablyHas(ulong group, ulong index, ulong term);

    /// <summary>The last index of the synced log (or the synced snapshot index).</summary>
    ulong DurableLastIndex(ulong group);

    /// <summary>Test-only fault: from now until the next crash, fsyncs return without making anything durable.</summary>
    void StartLying();
}
