// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class Raft
{
    private void StepFollower(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Append:
                _electionElapsed = 0;
                Lead = m.From;
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                _electionElapsed = 0;
                Lead = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                _electionElapsed = 0;
                Lead = m.From;
                HandleSnapshot(m);
                break;
            case MessageType.TransferLeader:
                if (Lead != 0 && m.From != Lead) Send(m with { To = Lead });
                break;
            case MessageType.TimeoutNow:
                // The leader handed us leadership: campaign at once, skipping pre-vote and the leader lease.
                _logger.Info($"{Who} received TimeoutNow from {m.From}: campaigning");
                Hup(CampaignKind.Transfer);
                break;
            case MessageType.ReadIndex:
                if (Lead != 0 && m.From != Lead) Send(m with { To = Lead });
                break;
            case MessageType.ReadIndexResponse:
                _readStates.Add(new ReadState(m.Context, m.Index));
                break;
        }
    }

    private void StepCandidate(Message m)
    {
        var responseType = State == RaftRole.PreCandidate ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        switch (m.Type)
        {
            case MessageType.Append:
                BecomeFollower(m.Term, m.From);
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                break;
            default:
                if (m.Type == responseType) HandleVoteResponse(m);
                break;
        }
    }

    /// <summary>Raft §5.3 AppendEntries receiver: consistency check, conflict truncation, commit.</summary>
    private void HandleAppend(Message m)
    {
        if (m.Index < Log.Committed)
        {
            // Everything up to our commit index matches the leader's log (Log Matching); acknowledge it.
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = Log.Committed, Session = m.Session });
            return;
        }

        if (Log.MaybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries, Planted(PlantedBugs.TruncateCommitted), out var lastNew))
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = lastNew, Session = m.Session });
            return;
        }

        // Reject with a hint: the last index ≤ the probe point whose term is ≤ the leader's term there.
        var hintIndex = Math.Min(m.Index, Log.LastIndex);
        var (index, term) = Log.FindConflictByTerm(hintIndex, m.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendResponse,
            To = m.From,
            Index = m.Index,
            Reject = true,
            RejectHint = index,
            LogTerm = term,
            Session = m.Session,
        });
    }

    private void HandleHeartbeat(Message m)
    {
        Log.CommitTo(m.Commit);
        Send(new Message { Type = MessageType.HeartbeatResponse, To = m.From, Context = m.Context, Session = m.Session });
        MaybeFollowQuiesce(m);
    }

    private void HandleSnapshot(Message m)
    {
        var snapshot = m.Snapshot ?? throw new RaftInvariantException($"{Who}: snapshot message from {m.From} without a snapshot");
        if (Restore(snapshot))
        {
            _logger.Info($"{Who} restored snapshot {snapshot.Metadata.Term}/{snapshot.Metadata.Index}");
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = Log.LastIndex, Session = m.Session });
        }
        else
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = Log.Committed, Session = m.Session });
        }
    }

    /// <summary>
    /// Installs a snapshot (pitfall 11): ignored at or below commit; if its (index, term) matches a local
    /// entry the log is kept and only commit moves; otherwise the whole log is replaced, and the
    /// configuration comes from the snapshot's ConfState.
    /// </summary>
    private bool Restore(Snapshot snapshot)
    {
        var meta = snapshot.Metadata;
        if (meta.Index <= Log.Committed) return false;
        if (State != RaftRole.Follower)
        {
            // Defence in depth: only followers install snapshots; force a new election instead.
            BecomeFollower(Term + 1, 0);
            return false;
        }

        var cs = meta.ConfState;
        if (!cs.Voters.Contains(Id) && !cs.Learners.Contains(Id) && !cs.VotersOutgoing.Contains(Id))
        {
            _logger.Warn($"{Who} ignored snapshot {meta.Index}: not a member of {cs}");
            return false;
        }

        if (Log.MatchTerm(meta.Index, meta.Term))
        {
            Log.CommitTo(meta.Index);
            return false;
        }

        Log.Restore(snapshot);
        RestoreConfig(cs, meta.Index);
        return true;
    }
}
