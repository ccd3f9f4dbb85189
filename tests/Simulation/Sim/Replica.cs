// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;
using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// The oracle's view of one production replica (a <c>GroupReplica</c> of a node's <c>RaftHost</c>): its log view,
/// state machine and configuration are the host's own; role, term and commit are what the oracle last saw in a
/// Ready, and the configuration before the last change is remembered for the quorum check of acknowledgements.
/// </summary>
public sealed class Replica
{
    internal Replica(GroupReplica inner)
    {
        Inner = inner;
        Term = inner.Log.HardState.Term;
        Commit = inner.Log.HardState.Commit;
        PrevConf = inner.ConfState;
    }

    internal GroupReplica Inner { get; }

    public ulong Group => Inner.GroupId;

    public MemoryRaftLog Log => Inner.Log;

    public CacheGroupStateMachine Sm => (CacheGroupStateMachine)Inner.StateMachine;

    public ulong Applied => Inner.StateMachine.AppliedIndex;

    /// <summary>The configuration as of the applied index (what the core uses), and the one before the last change.</summary>
    public ConfState Conf => Inner.ConfState;

    public ConfState PrevConf { get; set; }

    public RaftRole Role { get; set; }

    public ulong Lead { get; set; }

    public ulong Term { get; set; }

    public ulong Commit { get; set; }

    /// <summary>What the oracle saw when the Ready in progress was taken (the host takes every group's Ready before persisting any).</summary>
    public bool WasLeader { get; set; }

    public bool BecameLeader { get; set; }

    public ulong PreviousCommit { get; set; }

    /// <summary>The leader the production replica reports (a client's next guess).</summary>
    public ulong ReportedLeader => Inner.Leader;

    public ulong StateHash() => Inner.StateMachine is MetadataGroupStateMachine metadata
        ? Fnv.Hash(metadata.Metadata.Snapshot())
        : Sm.Read(cache => cache.ComputeStateHash().Value);

    /// <summary>
    /// The order-independent state hash of a snapshot's data (byte layouts may differ between replicas); a metadata
    /// snapshot is the record itself, serialised in a fixed order.
    /// </summary>
    public static ulong SnapshotHash(ulong group, ReadOnlySpan<byte> data)
    {
        if (group == Node.Hosting.CacheNode.MetadataGroup) return Fnv.Hash(data);
        var restored = new CacheGroupStateMachine(SimNode.StateMachineOptions);
        restored.Restore(data.ToArray());
        return restored.Read(cache => cache.ComputeStateHash().Value);
    }
}
