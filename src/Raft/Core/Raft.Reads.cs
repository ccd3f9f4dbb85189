// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class Raft
{
    private readonly ReadOnly _readOnly = new();
    private readonly List<Message> _pendingReadIndexMessages = [];

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
        Send(m with { To = Lead });
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

        var context = ++_readContextSeq;
        _readOnly.Add(context, new ReadOnly.Pending { From = m.From, RequestId = m.Context, Index = Log.Committed });
        HandleReadAck(new Message { From = Id, Context = context });
        BroadcastHeartbeat(context);
    }

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
