// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal enum CampaignKind
{
    PreElection = 0,
    Election = 1,
    Transfer = 2,
}

internal sealed partial class Raft
{
    private void TickElection()
    {
        _electionElapsed++;
        if (Promotable && PastElectionTimeout)
        {
            _electionElapsed = 0;
            Step(new Message { Type = MessageType.Hup, From = Id });
        }
    }

    public void BecomeFollower(ulong term, ulong lead)
    {
        Reset(term);
        Lead = lead;
        if (State != RaftRole.Follower) _logger.Info($"{Who} became follower (leader {lead})");
        State = RaftRole.Follower;
    }

    private void BecomeCandidate()
    {
        if (State == RaftRole.Leader) throw new RaftInvariantException($"{Who}: invalid transition leader -> candidate");
        Reset(Term + 1);
        Vote = Id;
        State = RaftRole.Candidate;
        _logger.Info($"{Who} became candidate");
    }

    private void BecomePreCandidate()
    {
        if (State == RaftRole.Leader) throw new RaftInvariantException($"{Who}: invalid transition leader -> pre-candidate");

        // Pre-candidacy changes neither term nor vote (Raft thesis §9.6), so a node that cannot win
        // does not inflate terms and disrupt the group.
        Tracker.ResetVotes();
        Lead = 0;
        State = RaftRole.PreCandidate;
        _logger.Info($"{Who} became pre-candidate");
    }

    private void BecomeLeader()
    {
        if (State == RaftRole.Follower) throw new RaftInvariantException($"{Who}: invalid transition follower -> leader");
        Reset(Term);
        TransferStartedAsLeader = false;
        Lead = Id;
        State = RaftRole.Leader;
        var self = Tracker.Get(Id) ?? throw new RaftInvariantException($"{Who}: leader without its own progress");
        self.BecomeReplicate();
        self.RecentActive = true;

        // Conservatively treat the whole log as possibly holding a configuration change (etcd).
        PendingConfIndex = Log.LastIndex;

        // The no-op lets this term commit, and with it every earlier entry (Raft §5.4.2, pitfall 1).
        AppendEntries([new Entry(0, 0, EntryType.NoOp, ReadOnlyMemory<byte>.Empty)]);
        _logger.Info($"{Who} became leader");
    }

    /// <summary>Starts an election unless leader, not promotable, or a committed configuration change is unapplied (pitfall 7).</summary>
    private void Hup(CampaignKind kind)
    {
        if (State == RaftRole.Leader) return;
        if (!Promotable)
        {
            _logger.Warn($"{Who} is not promotable and cannot campaign");
            return;
        }

        if (Log.HasUnappliedConfChange())
        {
            _logger.Warn($"{Who} cannot campaign: committed configuration changes are not applied (applied {Log.Applied}, committed {Log.Committed})");
            return;
        }

        Campaign(kind);
    }

    private void Campaign(CampaignKind kind)
    {
        ulong term;
        MessageType voteType;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            voteType = MessageType.PreVote;
            term = Term + 1;
        }
        else
        {
            BecomeCandidate();
            voteType = MessageType.Vote;
            term = Term;
        }

        var responseType = voteType == MessageType.Vote ? MessageType.VoteResponse : MessageType.PreVoteResponse;
        foreach (var id in Tracker.VoterIds())
        {
            if (id == Id)
            {
                // The candidate's own vote counts only once its HardState is durable (pitfall 4).
                if (Planted(PlantedBugs.AckBeforePersist)) continue;
                Send(new Message { Type = responseType, To = Id, Term = term });
                continue;
            }

            Send(new Message
            {
                Type = voteType,
                To = id,
                Term = term,
                Index = Log.LastIndex,
                LogTerm = Log.LastTerm,
                Context = kind == CampaignKind.Transfer ? Message.CampaignTransferContext : 0,
            });
        }

        if (Planted(PlantedBugs.AckBeforePersist)) HandleVoteResponse(new Message { Type = responseType, From = Id, To = Id, Term = term });
    }

    private void HandleVoteResponse(Message m)
    {
        Tracker.RecordVote(m.From, !m.Reject);
        var (granted, rejected, result) = Tracker.TallyVotes();
        _logger.Info($"{Who} received {m.Type} from {m.From} (rejected={m.Reject}): {granted} granted, {rejected} rejected");
        switch (result)
        {
            case VoteResult.Won when State == RaftRole.PreCandidate:
                Campaign(CampaignKind.Election);
                break;
            case VoteResult.Won:
                BecomeLeader();
                BroadcastAppend();
                break;
            case VoteResult.Lost:
                BecomeFollower(Term, 0);
                break;
        }
    }
}
