// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

// PUBLIC SURFACE SKELETON: the Raft core session replaces these bodies with the implementation.
// The signatures are the contract the simulation, storage and node are written against.

/// <summary>
/// One member of one Raft group: a pure, single-threaded state machine (etcd's RawNode). Inputs are
/// <see cref="Tick"/>, <see cref="Step"/> and the request methods; output is a <see cref="Ready"/>.
/// Not thread-safe: the host calls it from one thread at a time.
/// </summary>
public sealed class RawNode
{
    public RawNode(RaftConfig config) => throw new NotImplementedException();

    /// <summary>Bootstraps a brand-new group: appends the initial configuration as entry 1. Call once, on a node with an empty log, on every initial member.</summary>
    public void Bootstrap(IReadOnlyList<ulong> voters) => throw new NotImplementedException();

    /// <summary>Advances logical time by one tick (election and heartbeat timers).</summary>
    public void Tick() => throw new NotImplementedException();

    /// <summary>Feeds a message from a peer (or a local message) into the core. Messages for other groups or stale terms are dropped safely.</summary>
    public void Step(Message message) => throw new NotImplementedException();

    /// <summary>Proposes an application command.</summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> data) => throw new NotImplementedException();

    /// <summary>Proposes a membership change; only one may be pending at a time.</summary>
    public ProposeResult ProposeConfChange(ConfChange change) => throw new NotImplementedException();

    /// <summary>Requests a linearizable read; the answer arrives as a <see cref="ReadState"/> with <paramref name="requestId"/>.</summary>
    public ProposeResult ReadIndex(ulong requestId) => throw new NotImplementedException();

    /// <summary>Asks the leader to hand leadership to <paramref name="transferee"/>.</summary>
    public void TransferLeadership(ulong transferee) => throw new NotImplementedException();

    /// <summary>Starts an election now (tests, and the host's forced campaign).</summary>
    public void Campaign() => throw new NotImplementedException();

    /// <summary>Applies a committed configuration change (call when applying its entry); returns the new configuration.</summary>
    public ConfState ApplyConfChange(ConfChange change) => throw new NotImplementedException();

    /// <summary>The transport failed to reach <paramref name="peer"/>.</summary>
    public void ReportUnreachable(ulong peer) => throw new NotImplementedException();

    /// <summary>A snapshot send to <paramref name="peer"/> finished, successfully or not.</summary>
    public void ReportSnapshot(ulong peer, bool succeeded) => throw new NotImplementedException();

    public bool HasReady() => throw new NotImplementedException();

    /// <summary>Takes the pending work. Call <see cref="Advance"/> with it once done.</summary>
    public Ready TakeReady() => throw new NotImplementedException();

    /// <summary>Acknowledges that <paramref name="ready"/> was persisted, sent and applied as its contract says.</summary>
    public void Advance(Ready ready) => throw new NotImplementedException();

    /// <summary>A snapshot of the node's state for inspection (tests, admin API). Allocates; not for hot paths.</summary>
    public RaftStatus Status() => throw new NotImplementedException();
}

/// <summary>Inspection view of a member.</summary>
public sealed record RaftStatus
{
    public required ulong Id { get; init; }
    public required HardState HardState { get; init; }
    public required SoftState SoftState { get; init; }
    public required ulong Applied { get; init; }
    public required ulong LastIndex { get; init; }
    public required ConfState ConfState { get; init; }
    public ulong LeadTransferee { get; init; }

    /// <summary>The index of the last configuration change appended and not yet applied (0 if none).</summary>
    public ulong PendingConfIndex { get; init; }

    /// <summary>Per-peer replication progress; empty unless this member leads.</summary>
    public IReadOnlyDictionary<ulong, PeerProgress> Progress { get; init; } = new Dictionary<ulong, PeerProgress>();
}

public enum ProgressState : byte
{
    Probe = 0,
    Replicate = 1,
    Snapshot = 2,
}

public readonly record struct PeerProgress(ulong Match, ulong Next, ProgressState State, bool IsLearner, bool RecentActive);
