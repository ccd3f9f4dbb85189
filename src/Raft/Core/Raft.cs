// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// The Raft state machine of one member (etcd raft.go), split by aspect over Raft.*.cs. Single-threaded
/// and pure: time arrives as <see cref="Tick"/>, everything else as messages; output accumulates in
/// <see cref="Messages"/>, <see cref="MessagesAfterPersist"/> and the log's unstable part.
/// </summary>
internal sealed partial class Raft
{
    private readonly RaftConfig _config;
    private readonly IRaftLogger _logger;
    private readonly List<Message> _msgs = [];
    private readonly List<Message> _msgsAfterPersist = [];
    private readonly List<Message> _selfAfterPersist = [];
    private readonly List<ReadState> _readStates = [];
    private int _electionElapsed;
    private int _heartbeatElapsed;

    // Ticks since this process started the core, saturating (RaftConfig.RefuseVotesAfterStart).
    private int _ticksSinceStart;
    private int _randomizedElectionTimeout;

    public Raft(RaftConfig config)
    {
        config.Validate();
        _config = config;
        _logger = config.Logger;
        Id = config.Id;
        Log = new RaftLog(config.Log, config.Id) { AllowCommittedTruncation = Planted(PlantedBugs.TruncateCommitted) };
        Tracker = new ProgressTracker(config.MaxInflightMessages, config.MaxInflightBytes);
        var (hardState, confState) = config.Log.InitialState();
        RestoreConfig(confState, Log.FirstIndex - 1);
        if (!hardState.IsEmpty) LoadState(hardState);
        if (config.Applied > 0) Log.AppliedTo(Math.Min(config.Applied, Log.Committed));
        BecomeFollower(Term, 0);
    }

    public ulong Id { get; }

    public ulong Term { get; private set; }

    public ulong Vote { get; private set; }

    public ulong Lead { get; private set; }

    public RaftRole State { get; private set; }

    public bool IsLearner { get; private set; }

    public RaftLog Log { get; }

    public ProgressTracker Tracker { get; private set; }

    /// <summary>The peer leadership is being handed to, or 0 (Raft thesis §3.10).</summary>
    public ulong LeadTransferee { get; private set; }

    /// <summary>Index of the latest configuration change appended by this leader; a new one waits until it is applied.</summary>
    public ulong PendingConfIndex { get; private set; }

    public List<Message> Messages => _msgs;

    public List<Message> MessagesAfterPersist => _msgsAfterPersist;

    /// <summary>Responses this node sends itself (its own vote); stepped only once the Ready carrying them is persisted.</summary>
    public List<Message> SelfAfterPersist => _selfAfterPersist;

    public List<ReadState> ReadStates => _readStates;

    public HardState HardState => new(Term, Vote, Log.Committed);

    public SoftState SoftState => new(Lead, State);

    private string Who => $"node {Id} (term {Term})";

    private bool Planted(PlantedBugs bug) => (_config.PlantedBugs & bug) != 0;

    private void LoadState(HardState state)
    {
        if (state.Commit < Log.Committed || state.Commit > Log.LastIndex)
            throw new RaftInvariantException($"node {Id}: persisted commit {state.Commit} is out of range [{Log.Committed}, {Log.LastIndex}]");
        Log.CommitTo(state.Commit);
        Term = state.Term;
        Vote = state.Vote;
    }

    /// <summary>One logical tick; a quiesced member ignores it (see Raft.Quiescence.cs).</summary>
    public void Tick()
    {
        if (_quiesced) return;
        if (_ticksSinceStart < _config.ElectionTicks) _ticksSinceStart++;
        if (State == RaftRole.Leader) TickHeartbeat();
        else TickElection();
    }

    /// <summary>
    /// Queues an outgoing message. Responses that acknowledge durable state (votes, appends) wait for the
    /// host's fsync (pitfall 4 and 5), unless the AckBeforePersist bug is planted.
    /// </summary>
    private void Send(Message m)
    {
        var term = m.Type switch
        {
            MessageType.Vote or MessageType.VoteResponse or MessageType.PreVote or MessageType.PreVoteResponse =>
                m.Term != 0 ? m.Term : throw new RaftInvariantException($"{Who}: {m.Type} without a term"),
            MessageType.Propose or MessageType.ReadIndex => 0UL,
            _ => Term,
        };
        m = m with { From = m.From == 0 ? Id : m.From, Term = term };
        // Responses wait for the fsync of what they acknowledge. A heartbeat response too: it may be the first
        // message of a term this node just learned, and a follower that acked a term it then lost in a crash could
        // come back at the older term and help a deposed leader confirm a stale ReadIndex (etcd's classic contract
        // holds every follower message until the HardState is durable). Without a term change nothing needs an
        // fsync, so this costs nothing in steady state.
        var afterPersist = m.Type is MessageType.AppendResponse or MessageType.VoteResponse or MessageType.PreVoteResponse
            or MessageType.HeartbeatResponse;
        if (m.To == Id)
        {
            if (!afterPersist) throw new RaftInvariantException($"{Who}: unexpected message to self {m}");
            _selfAfterPersist.Add(m);
        }
        else if (afterPersist && !Planted(PlantedBugs.AckBeforePersist))
        {
            _msgsAfterPersist.Add(m);
        }
        else
        {
            _msgs.Add(m);
        }
    }

    private void ResetRandomizedElectionTimeout() =>
        _randomizedElectionTimeout = _config.ElectionTicks + _config.Random.Next(_config.ElectionTicks);

    private bool PastElectionTimeout => _electionElapsed >= _randomizedElectionTimeout;

    /// <summary>Resets per-term state; progress restarts from the end of the leader's log (Raft §5.3 nextIndex).</summary>
    private void Reset(ulong term)
    {
        if (Term != term)
        {
            // Responses still waiting for this Ready's fsync were made in the older term. A new leader's append in the
            // same Ready may replace the entries they acknowledge, so they would promise what never reaches the disk
            // (a deposed leader could count them and commit an entry no quorum holds). Dropping them is safe: Raft
            // tolerates lost messages, and the new term's own responses are added after this point.
            _msgsAfterPersist.RemoveAll(m => m.Term < term);
            _selfAfterPersist.RemoveAll(m => m.Term < term);
            Term = term;
            Vote = 0;
        }

        Lead = 0;
        _quiesced = false;
        _idleHeartbeats = 0;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        ResetRandomizedElectionTimeout();
        AbortLeaderTransfer();
        Tracker.ResetVotes();
        var last = Log.LastIndex;
        foreach (var id in Tracker.Progress.Keys.ToList())
        {
            var old = Tracker.Progress[id];
            var pr = new Progress(last + 1, Tracker.NewInflights(), old.IsLearner, old.Session);

            // The leader's own match is what it has durably persisted, never what is merely appended.
            if (id == Id) pr.Match = Log.StableLastIndex;
            Tracker.Progress[id] = pr;
        }

        PendingConfIndex = 0;
        _uncommittedBytes = 0;
        ResetReads();
    }

    /// <summary>Whether this node may campaign: a voter of its configuration with no snapshot being installed.</summary>
    public bool Promotable => Tracker.Get(Id) is { IsLearner: false } && !Log.HasNextOrInProgressSnapshot;
}
