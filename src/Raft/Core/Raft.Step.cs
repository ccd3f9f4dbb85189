// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class Raft
{
    /// <summary>
    /// Entry point for every message: settles terms first (Raft §5.1: a higher term turns us into a
    /// follower, a lower one is stale), then handles votes, then dispatches by role.
    /// </summary>
    public void Step(Message m)
    {
        if (_quiesced && !KeepsQuiet(m)) Wake();
        if (m.Term > Term && m.Term != 0)
        {
            if (!StepHigherTerm(m)) return;
        }
        else if (m.Term < Term && m.Term != 0)
        {
            StepLowerTerm(m);
            return;
        }

        switch (m.Type)
        {
            case MessageType.Hup:
                Hup(_config.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
                return;
            case MessageType.Vote:
            case MessageType.PreVote:
                HandleVoteRequest(m);
                return;
        }

        switch (State)
        {
            case RaftRole.Leader: StepLeader(m); break;
            case RaftRole.Candidate:
            case RaftRole.PreCandidate: StepCandidate(m); break;
            default: StepFollower(m); break;
        }
    }

    /// <summary>Returns false when the message must be ignored.</summary>
    private bool StepHigherTerm(Message m)
    {
        if (m.Type is MessageType.Vote or MessageType.PreVote)
        {
            // Leader stickiness (pitfall 14): while we hear from a leader, a (pre)candidate cannot depose it,
            // so a partitioned node that comes back with a high term does not disrupt a healthy group.
            var force = m.Context == Message.CampaignTransferContext;
            var inLease = _config.CheckQuorum && Lead != 0 && _electionElapsed < _config.ElectionTicks;
            inLease |= _config.RefuseVotesAfterStart && _ticksSinceStart < _config.ElectionTicks;
            if (!force && inLease)
            {
                _logger.Info($"{Who} ignored {m.Type} from {m.From} at term {m.Term}: lease with leader {Lead} not expired");
                return false;
            }
        }

        switch (m.Type)
        {
            case MessageType.PreVote:
                break; // Never change term in response to a pre-vote (Raft thesis §9.6).
            case MessageType.PreVoteResponse when !m.Reject:
                break; // A granted pre-vote carries the future term we asked for; the real election follows.
            case MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot:
                BecomeFollower(m.Term, m.From);
                break;
            default:
                BecomeFollower(m.Term, 0);
                break;
        }

        return true;
    }

    private void StepLowerTerm(Message m)
    {
        if ((_config.CheckQuorum || _config.PreVote) && m.Type is MessageType.Heartbeat or MessageType.Append)
        {
            // Pitfall 14: a stale leader (or a node that cannot win because we ignore its votes) learns our
            // term from this response and steps down, instead of the group wedging.
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Session = m.Session });
        }
        else if (m.Type == MessageType.PreVote)
        {
            // Reject, so a pre-candidate with a stale term does not wait for a quorum that never answers.
            Send(new Message { Type = MessageType.PreVoteResponse, To = m.From, Term = Term, Reject = true });
        }
    }

    private void HandleVoteRequest(Message m)
    {
        // Raft §5.2, §5.4.1: one vote per term, and only for a log at least as up to date as ours.
        // A pre-vote for a future term may be granted even if we voted in the current one.
        var canVote = Vote == m.From
            || (Vote == 0 && Lead == 0)
            || (m.Type == MessageType.PreVote && m.Term > Term);
        var responseType = m.Type == MessageType.Vote ? MessageType.VoteResponse : MessageType.PreVoteResponse;
        if (canVote && Log.IsUpToDate(m.Index, m.LogTerm))
        {
            _logger.Info($"{Who} cast {m.Type} for {m.From} at term {m.Term}");
            Send(new Message { Type = responseType, To = m.From, Term = m.Term });
            if (m.Type == MessageType.Vote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new Message { Type = responseType, To = m.From, Term = Term, Reject = true });
        }
    }
}
