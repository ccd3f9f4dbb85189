// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class Raft
{
    private long _uncommittedBytes;

    private void TickHeartbeat()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _config.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_config.CheckQuorum) Step(new Message { Type = MessageType.CheckQuorum, From = Id });

            // A transfer that has not finished within an election timeout is abandoned (pitfall 15).
            if (State == RaftRole.Leader && LeadTransferee != 0)
            {
                _logger.Info($"{Who} abandoned the leadership transfer to {LeadTransferee} after an election timeout");
                AbortLeaderTransfer();
            }
        }

        if (State != RaftRole.Leader) return;
        if (_heartbeatElapsed >= _config.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            if (MaybeQuiesce()) return;
            Step(new Message { Type = MessageType.Beat, From = Id });
        }
    }

    private void StepLeader(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Beat:
                BroadcastHeartbeat();
                return;
            case MessageType.CheckQuorum:
                // Step down without an active quorum for an election timeout: a partitioned leader stops
                // serving (and stops blocking a new leader's lease on the majority side).
                if (!Tracker.QuorumActive())
                {
                    _logger.Warn($"{Who} stepped down: no active quorum within an election timeout");
                    BecomeFollower(Term, 0);
                }

                foreach (var (id, peer) in Tracker.Progress)
                {
                    if (id != Id) peer.RecentActive = false;
                }

                return;
            case MessageType.Propose:
                if (m.Entries.Count > 0) ProposeAsLeader(m.Entries);
                return;
            case MessageType.ReadIndex:
                HandleReadIndexAsLeader(m);
                return;
            case MessageType.TransferLeader:
                HandleTransferLeader(m);
                return;
        }

        var pr = Tracker.Get(m.From);
        if (pr is null) return;
        switch (m.Type)
        {
            case MessageType.AppendResponse or MessageType.HeartbeatResponse when m.Session != pr.Session:
                // Pitfall 9: a reply to traffic of an earlier membership of this peer (removed and re-added);
                // it describes a log that may no longer exist, so it must not move this progress.
                _logger.Info($"{Who} dropped {m.Type} from {m.From}: session {m.Session}, current session {pr.Session}");
                break;
            case MessageType.AppendResponse:
                HandleAppendResponse(m, pr);
                break;
            case MessageType.HeartbeatResponse:
                HandleHeartbeatResponse(m, pr);
                break;
            case MessageType.SnapshotStatus:
                if (pr.State != ProgressState.Snapshot) return;
                if (m.Reject) pr.PendingSnapshot = 0;
                pr.BecomeProbe();

                // Wait for a heartbeat response before probing, so a failed snapshot is not resent in a tight loop.
                pr.MsgAppFlowPaused = true;
                break;
            case MessageType.Unreachable:
                if (pr.State == ProgressState.Replicate) pr.BecomeProbe();
                break;
        }
    }

    /// <summary>
    /// Appends entries at the end of the leader's log in the current term. The leader counts them toward
    /// commit only when the host acknowledges their persistence (see <see cref="OnEntriesPersisted"/>).
    /// </summary>
    private bool AppendEntries(IReadOnlyList<Entry> entries)
    {
        var last = Log.LastIndex;
        var stamped = new List<Entry>(entries.Count);
        long payload = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            stamped.Add(entries[i] with { Index = last + 1 + (ulong)i, Term = Term });
            payload += entries[i].Data.Length;
        }

        // Bounded uncommitted bytes (pitfall 20); empty entries are always accepted so a leader can commit.
        if (_uncommittedBytes > 0 && payload > 0 && _uncommittedBytes + payload > _config.MaxUncommittedBytes) return false;
        _uncommittedBytes += payload;
        last = Log.Append(stamped);
        if (Planted(PlantedBugs.AckBeforePersist))
        {
            Tracker.Get(Id)?.MaybeUpdate(last);
            MaybeCommit();
        }

        return true;
    }

    /// <summary>The host persisted the log up to its stable end: the leader's own replica now counts.</summary>
    public void OnEntriesPersisted()
    {
        if (State != RaftRole.Leader) return;
        var self = Tracker.Get(Id);
        if (self is null || !self.MaybeUpdate(Log.StableLastIndex)) return;
        if (MaybeCommit())
        {
            ReleasePendingReadIndexMessages();
            BroadcastAppend();
        }
    }

    public void ReduceUncommittedBytes(IReadOnlyList<Entry> committed)
    {
        if (State != RaftRole.Leader) return;
        long payload = 0;
        foreach (var e in committed) payload += e.Data.Length;
        _uncommittedBytes = Math.Max(0, _uncommittedBytes - payload);
    }

    /// <summary>
    /// Advances commit to the quorum-replicated index, but only through an entry of the current term
    /// (Raft §5.4.2, Figure 8; pitfall 1). Earlier entries become committed indirectly.
    /// </summary>
    private bool MaybeCommit()
    {
        var index = Tracker.Committed();
        if (index == ulong.MaxValue) return false;
        return Log.MaybeCommit(index, Term, Planted(PlantedBugs.CommitPreviousTermByCount));
    }

    private void BroadcastAppend()
    {
        foreach (var id in Tracker.Progress.Keys)
        {
            if (id != Id) MaybeSendAppend(id, sendIfEmpty: true);
        }
    }

    private void BroadcastHeartbeat() => BroadcastHeartbeat(LastPendingReadContext);

    /// <summary>
    /// Heartbeats to every peer; with <paramref name="quiesceIndex"/> (the leader's last entry and its term) they are
    /// the quiesce marker (Raft.Quiescence.cs).
    /// </summary>
    private void BroadcastHeartbeat(ulong context, ulong quiesceIndex = 0, ulong quiesceTerm = 0)
    {
        foreach (var (id, pr) in Tracker.Progress)
        {
            if (id != Id) SendHeartbeat(id, pr, context, quiesceIndex, quiesceTerm);
        }
    }

    // Never tell a follower to commit beyond what it is known to hold.
    private void SendHeartbeat(ulong id, Progress pr, ulong context, ulong quiesceIndex = 0, ulong quiesceTerm = 0) =>
        Send(new Message
        {
            Type = MessageType.Heartbeat,
            To = id,
            Commit = Math.Min(pr.Match, Log.Committed),
            Context = context,
            Index = quiesceIndex,
            LogTerm = quiesceTerm,
            Session = pr.Session,
        });

    private void HandleHeartbeatResponse(Message m, Progress pr)
    {
        pr.RecentActive = true;
        pr.MsgAppFlowPaused = false;
        if (pr.Match < Log.LastIndex) MaybeSendAppend(m.From, sendIfEmpty: true);
        if (m.Context != 0) HandleReadAck(m);
    }
}
