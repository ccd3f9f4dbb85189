// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// One member of one Raft group: a pure, single-threaded state machine (etcd's RawNode). Inputs are
/// <see cref="Tick"/>, <see cref="Step"/> and the request methods; output is a <see cref="Ready"/>.
/// Not thread-safe: the host calls it from one thread at a time. At most one Ready is outstanding:
/// after <see cref="TakeReady"/>, the host may keep calling the input methods, but must call
/// <see cref="Advance"/> before the next <see cref="TakeReady"/> (<see cref="HasReady"/> is false meanwhile).
/// </summary>
public sealed partial class RawNode
{
    private readonly Raft _raft;
    private readonly RaftConfig _config;
    private readonly Queue<ulong> _confChangeIndexes = new();
    private SoftState _prevSoftState;
    private HardState _prevHardState;
    private Ready? _outstanding;

    public RawNode(RaftConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _raft = new Raft(config);
        _prevSoftState = _raft.SoftState;
        _prevHardState = _raft.HardState;
    }

    public ulong Id => _raft.Id;

    /// <summary>Bootstraps a brand-new group: appends the initial configuration as entry 1. Call once, on a node with an empty log, on every initial member.</summary>
    /// <exception cref="InvalidOperationException">The log or hard state is not empty (never re-bootstrap, pitfall 19).</exception>
    public void Bootstrap(IReadOnlyList<ulong> voters)
    {
        ArgumentNullException.ThrowIfNull(voters);
        if (voters.Count == 0) throw new ArgumentException("at least one voter is required", nameof(voters));
        if (voters.Contains(0UL)) throw new ArgumentException("node id 0 is not allowed", nameof(voters));
        var (hardState, confState) = _config.Log.InitialState();
        if (_raft.Log.LastIndex != 0 || !hardState.IsEmpty || !confState.Voters.IsEmpty)
            throw new InvalidOperationException($"node {Id}: cannot bootstrap a non-empty log (last index {_raft.Log.LastIndex}, {hardState})");

        // Every initial member writes the same entry 1 (term 1), so their logs start identical.
        var change = new ConfChange
        {
            Changes = [.. voters.Distinct().Order().Select(id => new ConfChangeSingle(ConfChangeType.AddVoter, id))],
        };
        _raft.BecomeFollower(1, 0);
        _raft.Log.Append([new Entry(1, 1, EntryType.ConfChange, ConfChangeCodec.Encode(change))]);
        _raft.Log.CommitTo(1);
        _raft.ApplyConfChange(change, session: 1);

        // Nothing is persisted yet: the first Ready carries the hard state as well as entry 1.
        _prevHardState = HardState.Empty;
    }

    /// <summary>True while the group is quiesced on this member: ticks do nothing and the host may skip them.</summary>
    public bool Quiesced => _raft.Quiesced;

    /// <summary>
    /// Wakes a quiesced member because the host's node liveness has not heard from a node it depends on (a follower's
    /// leader, a leader's voter) for <paramref name="silentTicks"/> ticks; a follower counts them as elapsed election ticks.
    /// </summary>
    public void Unquiesce(int silentTicks) => _raft.Unquiesce(silentTicks);

    /// <summary>The leader this member follows (itself when leading), or 0. Cheap.</summary>
    public ulong Lead => _raft.Lead;

    /// <summary>The ids of the current configuration's members, this one included (on any role). Allocates nothing.</summary>
    public IReadOnlyCollection<ulong> Members => _raft.Tracker.Progress.Keys;

    /// <summary>Advances logical time by one tick (election and heartbeat timers).</summary>
    public void Tick() => _raft.Tick();

    /// <summary>Feeds a message from a peer into the core. Local-only kinds, messages for another node and responses from unknown peers are dropped.</summary>
    public void Step(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Type is MessageType.Hup or MessageType.Beat or MessageType.Unreachable or MessageType.SnapshotStatus or MessageType.CheckQuorum) return;
        if (message.To != 0 && message.To != Id) return;
        var isResponse = message.Type is MessageType.AppendResponse or MessageType.VoteResponse or MessageType.PreVoteResponse or MessageType.HeartbeatResponse;
        if (isResponse && _raft.Tracker.Get(message.From) is null) return;
        _raft.Step(message);
    }

    /// <summary>Proposes an application command.</summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> data) =>
        _raft.Propose([new Entry(0, 0, EntryType.Normal, data)]);

    /// <summary>
    /// Proposes <paramref name="data"/>; with <paramref name="forward"/> false a follower refuses it
    /// (<see cref="ProposeOutcome.NotLeader"/> with the leader as hint) instead of forwarding it: a caller that waits
    /// for its entry's index can never learn the index of a forwarded one, nor whether the leader appended it (etcd's
    /// DisableProposalForwarding, per call).
    /// </summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> data, bool forward) =>
        _raft.Propose([new Entry(0, 0, EntryType.Normal, data)], forward);

    /// <summary>Proposes a membership change; only one may be pending at a time.</summary>
    public ProposeResult ProposeConfChange(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _raft.Propose([new Entry(0, 0, EntryType.ConfChange, ConfChangeCodec.Encode(change))]);
    }

    /// <summary>Requests a linearizable read; the answer arrives as a <see cref="ReadState"/> with <paramref name="requestId"/>.</summary>
    public ProposeResult ReadIndex(ulong requestId) => _raft.ReadIndex(requestId);

    /// <summary>Asks the leader to hand leadership to <paramref name="transferee"/>.</summary>
    public void TransferLeadership(ulong transferee) => _raft.TransferLeadership(transferee);

    /// <summary>Starts an election now (tests, and the host's forced campaign).</summary>
    public void Campaign() => _raft.Step(new Message { Type = MessageType.Hup, From = Id });

    /// <summary>Applies a committed configuration change (call when applying its entry); returns the new configuration.</summary>
    public ConfState ApplyConfChange(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);

        // The replication session of peers this change adds is the index of its entry (pitfall 9).
        var session = _confChangeIndexes.Count > 0 ? _confChangeIndexes.Dequeue() : Math.Max(_raft.Log.Applying, 1);
        return _raft.ApplyConfChange(change, session);
    }

    /// <summary>The transport failed to reach <paramref name="peer"/>.</summary>
    public void ReportUnreachable(ulong peer) => _raft.Step(new Message { Type = MessageType.Unreachable, From = peer });

    /// <summary>A snapshot send to <paramref name="peer"/> finished, successfully or not.</summary>
    public void ReportSnapshot(ulong peer, bool succeeded) =>
        _raft.Step(new Message { Type = MessageType.SnapshotStatus, From = peer, Reject = !succeeded });

    /// <summary>
    /// The term of a leader that may still serve lease reads (check-quorum on, no transfer started in this
    /// leadership), else 0. Cheap; for the host's lease check.
    /// </summary>
    public ulong LeaseTerm => _raft.State == RaftRole.Leader && _config.CheckQuorum && !_raft.TransferStartedAsLeader ? _raft.Term : 0;

    /// <summary>The commit index the core knows (on a leader of a term with a committed entry: the group's).</summary>
    public ulong Committed => _raft.Log.Committed;

    /// <summary>A snapshot of the node's state for inspection (tests, admin API). Allocates; not for hot paths.</summary>
    public RaftStatus Status()
    {
        var progress = new SortedDictionary<ulong, PeerProgress>();
        if (_raft.State == RaftRole.Leader)
        {
            foreach (var (id, pr) in _raft.Tracker.Progress) progress[id] = pr.ToPublic();
        }

        return new RaftStatus
        {
            Id = Id,
            HardState = _raft.HardState,
            SoftState = _raft.SoftState,
            Applied = _raft.Log.Applied,
            LastIndex = _raft.Log.LastIndex,
            ConfState = _raft.Tracker.ConfState,
            LeadTransferee = _raft.LeadTransferee,
            PendingConfIndex = _raft.PendingConfIndex > _raft.Log.Applied ? _raft.PendingConfIndex : 0,
            Progress = progress,
        };
    }
}
