// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// One Raft group on this node: the core, its log view, its state machine, and the requests waiting on it.
/// Everything but <see cref="Leader"/>, <see cref="Role"/>, the published lease and
/// <see cref="LastLeaseRead"/> is touched only by the host loop.
/// </summary>
internal sealed class GroupReplica(ulong groupId, RawNode node, MemoryRaftLog log, IGroupStateMachine stateMachine)
{
    private long _leader;
    private int _role;
    private long _readableUntil;
    private ulong _publishedCommit;

    public ulong GroupId => groupId;

    public RawNode Node => node;

    public MemoryRaftLog Log => log;

    public IGroupStateMachine StateMachine => stateMachine;

    /// <summary>Proposals waiting for their index to be applied, by index; the term tells ours from an overwriting entry.</summary>
    public Dictionary<ulong, (ulong Term, TaskCompletionSource<ProposalOutcome> Completion)> Proposals { get; } = [];

    /// <summary>Proposals accepted and dropped since the loop last recorded them (one metric update per iteration).</summary>
    public (int Accepted, int Dropped) ProposalCounts { get; set; }

    /// <summary>Reads that arrived in this loop iteration; one ReadIndex request confirms them all.</summary>
    public ReadBatch? CollectingReads { get; set; }

    /// <summary>Lease reads collected in this iteration on a replica without a lease of its own (a follower).</summary>
    public ReadBatch? CollectingLeaseReads { get; set; }

    /// <summary>
    /// ReadIndex requests waiting for the leader's confirmation, by request id. Added by the loop before the request
    /// leaves; taken by the loop or, for a leader's answer to a follower, by the thread that received it
    /// (RaftHost.ReadAnswers.cs): whoever removes a batch answers it.
    /// </summary>
    public ConcurrentDictionary<ulong, ReadBatch> ReadRequests { get; } = new();

    /// <summary>Confirmed reads waiting for the applied index to reach theirs.</summary>
    public List<(ulong Index, ReadBatch Batch)> ReadsAwaitingApply { get; } = [];

    /// <summary>The read lease: valid until this host timestamp, in this term (0: none).</summary>
    public long LeaseUntil { get; set; }

    public ulong LeaseTerm { get; set; }

    /// <summary>
    /// Published by the loop before every send (<see cref="RaftHost"/>.PublishLeaseReads): the lease as readable off
    /// the loop (0: not), and the highest commit index any message or answer may have told anyone. Read from any thread.
    /// </summary>
    public long ReadableUntil
    {
        get => Volatile.Read(ref _readableUntil);
        set => Volatile.Write(ref _readableUntil, value);
    }

    public ulong PublishedCommit
    {
        get => Volatile.Read(ref _publishedCommit);
        set => Volatile.Write(ref _publishedCommit, value);
    }

    /// <summary>When a lease read last arrived (host timestamp): leases are renewed in the background only while used.</summary>
    public long LastLeaseRead { get; set; }

    /// <summary>ReadIndex requests that renew the lease: when each was asked (host timestamp) and in which term.</summary>
    public Dictionary<ulong, (long Asked, ulong Term)> LeaseRenewals { get; } = [];

    public ulong SnapshotIndex { get; set; }

    /// <summary>No vote is granted while the log ends below this index (see RaftHost.Tombstones.cs); 0 for none.</summary>
    public ulong VoteFloor { get; init; }

    /// <summary>Snapshots received from a leader and installed since this process started (admin, tests).</summary>
    public long SnapshotsInstalled { get; set; }

    /// <summary>Bytes of entries applied since the last snapshot was captured (a trigger besides the entry count).</summary>
    public long BytesSinceSnapshot { get; set; }

    /// <summary>Readies taken and waiting for an fsync (staged, or queued behind one that is): advanced in order once it returns.</summary>
    public int PersistsInFlight { get; set; }

    /// <summary>
    /// A received snapshot's state, decoded off the loop while its file was written: installing it swaps it in
    /// (<see cref="IGroupStateMachine.PrepareRestore"/>). Set from the time its WAL record is staged until it is installed.
    /// </summary>
    public Action? PreparedRestore { get; set; }

    /// <summary>True while a snapshot of this group is being written in the background.</summary>
    public bool SnapshotInProgress { get; set; }

    public ConfState ConfState { get; set; } = ConfState.Empty;

    /// <summary>The log index at which <see cref="ConfState"/> took effect (reported with placement changes, so older reports lose).</summary>
    public ulong ConfIndex { get; set; }

    /// <summary>
    /// When a leader last sent this replica entries or a heartbeat (or, before any, when the replica was loaded or
    /// created). A leader sends to exactly the members of its configuration, so a replica still hearing from one is
    /// still a member, even a learner whose own log has not yet reached the entry that added it.
    /// </summary>
    public DateTimeOffset LastLeaderContact { get; set; }

    /// <summary>The leader as last reported by the core; read from request threads.</summary>
    public ulong Leader => (ulong)Volatile.Read(ref _leader);

    public RaftRole Role => (RaftRole)Volatile.Read(ref _role);

    /// <summary>Leader changes seen by this replica (metrics).</summary>
    public long LeaderChanges => Volatile.Read(ref _leaderChanges);

    private long _leaderChanges;

    public void Publish(SoftState soft)
    {
        if ((ulong)Volatile.Read(ref _leader) != soft.Leader) Interlocked.Increment(ref _leaderChanges);
        Volatile.Write(ref _leader, (long)soft.Leader);
        Volatile.Write(ref _role, (int)soft.Role);
    }
}
