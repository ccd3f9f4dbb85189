// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class Raft
{
    private readonly ReadOnly _readOnly = new();
    private readonly List<Message> _pendingReadIndexMessages = [];
    private readonly HashSet<ulong> _readQuorum = [];

    // Leader-unique heartbeat contexts: request ids from different followers may collide, these cannot.
    private ulong _readContextSeq;

    private ulong LastPendingReadContext => _readOnly.LastPendingContext;

    private void ResetReads()
    {
        _readOnly.Clear();
        _pendingReadIndexMessages.Clear();
    }

    /// <summary>A local read request; the answer arrives as a <see cref="ReadState"/>.</summary>
    public ProposeResult ReadIndex(ulong requestId)
    {
        Wake();
        var m = new Message { Type = MessageType.ReadIndex, From = Id, Context = requestId };
        if (State == RaftRole.Leader)
        {
            HandleReadIndexAsLeader(m);
            return new ProposeResult(ProposeOutcome.Accepted, 0, Term, Id);
        }

        if (State != RaftRole.Follower || Lead == 0) return ProposeResult.Dropped(ProposeOutcome.NotLeader, Lead);
        // A ReadIndex carries no term (it is forwarded like a proposal); the asker's term rides in LogTerm so that a
        // leader of that term can count the request as the asker's acknowledgement (AskerCompletesQuorum).
        Send(m with { To = Lead, LogTerm = Term });
        return new ProposeResult(ProposeOutcome.Forwarded, 0, 0, Lead);
    }

    private bool CommittedEntryInCurrentTerm => Log.TermOrZero(Log.Committed) == Term;

    /// <summary>
    /// ReadIndex on the leader (Raft §6.4, pitfall 2): the read index is the commit index, valid once
    /// (a) an entry of this term is committed, so the commit index is the group's, and (b) a quorum
    /// acknowledged a heartbeat sent after the request, so no newer leader existed at that point.
    /// </summary>
    private void HandleReadIndexAsLeader(Message m)
    {
        if (Planted(PlantedBugs.ReadWithoutReadIndex))
        {
            RespondToRead(m.From, m.Context, Log.Committed);
            return;
        }

        if (Tracker.IsSingleton)
        {
            RespondToRead(m.From, m.Context, Log.Committed);
            return;
        }

        if (!CommittedEntryInCurrentTerm)
        {
            _pendingReadIndexMessages.Add(m);
            return;
        }

        ConfirmRead(m);
    }

    private void ConfirmRead(Message m)
    {
        if (_config.ReadOnlyOption == ReadOnlyOption.LeaseBased)
        {
            // CheckQuorum guarantees (given bounded clock drift) that no other leader exists within the lease.
            RespondToRead(m.From, m.Context, Log.Committed);
            return;
        }

        if (AskerCompletesQuorum(m))
        {
            RespondToRead(m.From, m.Context, Log.Committed);
            return;
        }

        var context = ++_readContextSeq;
        _readOnly.Add(context, new ReadOnly.Pending { From = m.From, RequestId = m.Context, Index = Log.Committed });
        HandleReadAck(new Message { From = Id, Context = context });
        SendReadHeartbeats(context);
    }

    /// <summary>
    /// A read needs a quorum's acknowledgement, not every member's: its heartbeat goes to just enough voters to make a
    /// quorum with this leader, those likeliest to answer first (recently active, then furthest along, then lowest id).
    /// In a group of three that is one follower instead of two, which saves the other a message, a loop iteration and
    /// its answer. Nothing waits on the rest: every regular heartbeat carries the last pending context to every peer
    /// (<see cref="BroadcastHeartbeat()"/>), and an acknowledgement of a later context confirms every earlier read, so
    /// a chosen voter that does not answer delays the read by at most one heartbeat interval.
    /// </summary>
    private void SendReadHeartbeats(ulong context)
    {
        var voters = Tracker.Config.Voters;
        _readQuorum.Clear();
        _readQuorum.Add(Id);
        foreach (var (id, pr) in Tracker.Progress
            .Where(p => p.Key != Id && voters.Contains(p.Key))
            .OrderByDescending(p => p.Value.RecentActive).ThenByDescending(p => p.Value.Match).ThenBy(p => p.Key))
        {
            if (voters.Vote(v => _readQuorum.Contains(v) ? true : null) == VoteResult.Won) break;
            _readQuorum.Add(id);
            SendHeartbeat(id, pr, context);
        }
    }

    /// <summary>
    /// True when a follower's request, with this leader, already makes the quorum a heartbeat round would gather. A
    /// heartbeat acknowledgement proves its sender had joined no newer term when it answered, after the read began; a
    /// request sent in this leader's term proves the same of the asker at sending, which is also after every read it
    /// carries began. A newer leader needs a quorum of votes, and a write it commits needs a quorum of acks, each
    /// overlapping {this leader, the asker}: neither member had left this term by then, so nothing committed before
    /// those reads began is missing from this leader's commit index. In a group of three the two are a quorum and the
    /// read index is known at once (docs/raft.md, "Reads"). The request vouches for itself only: an earlier pending read
    /// may have begun after the asker sent it, which is why it never joins <see cref="_readOnly"/>, whose
    /// <see cref="ReadOnly.Advance"/> confirms every earlier request with the latest.
    /// </summary>
    private bool AskerCompletesQuorum(Message m) =>
        m.From != Id && m.From != 0 && m.LogTerm == Term
        && Tracker.Config.Voters.Vote(id => id == Id || id == m.From ? true : null) == VoteResult.Won;

    private void ReleasePendingReadIndexMessages()
    {
        if (_pendingReadIndexMessages.Count == 0 || !CommittedEntryInCurrentTerm) return;
        var pending = _pendingReadIndexMessages.ToList();
        _pendingReadIndexMessages.Clear();
        foreach (var m in pending) ConfirmRead(m);
    }

    private void HandleReadAck(Message m)
    {
        var acks = _readOnly.RecvAck(m.From, m.Context);
        if (acks is null) return;
        if (Tracker.Config.Voters.Vote(id => acks.TryGetValue(id, out var v) ? v : null) != VoteResult.Won) return;
        foreach (var read in _readOnly.Advance(m.Context)) RespondToRead(read.From, read.RequestId, read.Index);
    }

    private void RespondToRead(ulong from, ulong requestId, ulong index)
    {
        if (from == 0 || from == Id)
        {
            _readStates.Add(new ReadState(requestId, index));
            return;
        }

        Send(new Message { Type = MessageType.ReadIndexResponse, To = from, Index = index, Context = requestId });
    }
}
