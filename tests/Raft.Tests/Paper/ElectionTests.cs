// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft.Tests.Interaction;

namespace RaftCache.Raft.Tests.Paper;

public sealed class ElectionTests
{
    private static readonly InteractionEnv.NodeOptions NoPreVote = new() { PreVote = false, CheckQuorum = false };

    // Raft §5.2
    [Fact]
    public void A_follower_campaigns_after_a_randomized_timeout_between_E_and_2E_ticks()
    {
        var seen = new HashSet<int>();
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var log = new MemoryRaftLog();
            var node = new RawNode(new RaftConfig { Id = 1, Log = log, Random = new SplitMix64(seed), PreVote = false });
            node.Bootstrap([1, 2, 3]);
            Clusters.Persist(node, log);
            var ticks = 0;
            while (node.Status().SoftState.Role == RaftRole.Follower && ticks < 100) { node.Tick(); ticks++; }
            Assert.InRange(ticks, 10, 19);
            seen.Add(ticks);
        }

        // Randomized: several different timeouts occur, so split votes do not repeat forever.
        Assert.True(seen.Count >= 5, $"only {seen.Count} distinct timeouts");
    }

    // Raft §5.2
    [Fact]
    public void A_candidate_increments_its_term_votes_for_itself_and_asks_every_voter()
    {
        var env = Clusters.Bootstrapped(3, NoPreVote);
        env[1].Raw.Campaign();
        var rd = env.Take(1);
        Assert.Equal(new HardState(2, 1, 1), rd.HardState);
        Assert.True(rd.MustSync);
        Assert.Equal([2UL, 3UL], rd.Messages.Where(m => m.Type == MessageType.Vote && m.Term == 2).Select(m => m.To));
        env[1].Raw.Advance(rd);
    }

    // Raft §5.2: the candidate counts its own vote only once its vote is durable (pitfall 4).
    [Fact]
    public void A_single_voter_becomes_leader_only_after_persisting_its_vote()
    {
        var (node, _) = Clusters.Single(1, [1]);
        node.Campaign();
        var rd = node.TakeReady();
        Assert.Equal(RaftRole.Candidate, node.Status().SoftState.Role);
        node.Advance(rd);
        Assert.Equal(RaftRole.Leader, node.Status().SoftState.Role);
    }

    // Raft §5.2
    [Fact]
    public void A_candidate_with_a_majority_of_votes_becomes_leader_and_appends_a_noop()
    {
        var env = Clusters.Elected(5, 3, NoPreVote);
        var st = env.Status(3);
        Assert.Equal(RaftRole.Leader, st.SoftState.Role);
        Assert.Equal(3UL, env.Status(1).SoftState.Leader);
        var last = env[1].Log.Entries(st.LastIndex, st.LastIndex + 1, long.MaxValue)[0];
        Assert.Equal(EntryType.NoOp, last.Type);
        Assert.Equal(st.HardState.Term, last.Term);
    }

    // Raft §5.2
    [Fact]
    public void A_candidate_rejected_by_a_majority_returns_to_follower()
    {
        var env = Clusters.Bootstrapped(3, NoPreVote);
        env[1].Raw.Campaign();
        env.ProcessReady(1);
        var votes = env.Messages.ToList();
        env.Messages.Clear();
        foreach (var v in votes)
        {
            env[1].Raw.Step(new Message { Type = MessageType.VoteResponse, From = v.To, To = 1, Term = v.Term, Reject = true });
        }

        Assert.Equal(RaftRole.Follower, env.Status(1).SoftState.Role);
        Assert.Equal(2UL, env.Status(1).HardState.Term);
    }

    // Raft §5.2, Figure 2 (votedFor)
    [Fact]
    public void A_voter_grants_at_most_one_vote_per_term()
    {
        var env = Clusters.Bootstrapped(3, NoPreVote);
        env[2].Raw.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        env[2].Raw.Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        var rd = env.Take(2);
        var responses = rd.MessagesAfterPersist.Where(m => m.Type == MessageType.VoteResponse).ToList();
        Assert.False(responses.Single(m => m.To == 1).Reject);
        Assert.True(responses.Single(m => m.To == 3).Reject);
        Assert.Equal(1UL, rd.HardState!.Value.Vote);
    }

    // Raft §5.4.1
    [Theory]
    [InlineData(2UL, 2UL, true)]  // same last term, shorter log
    [InlineData(9UL, 1UL, true)]  // longer log, but an older last term
    [InlineData(0UL, 0UL, true)]  // empty log
    [InlineData(2UL, 5UL, false)] // higher last term wins even if shorter
    [InlineData(3UL, 2UL, false)] // identical
    [InlineData(9UL, 2UL, false)] // same term, longer log
    public void A_voter_rejects_a_candidate_whose_log_is_less_up_to_date(ulong lastIndex, ulong lastTerm, bool rejected)
    {
        var env = Clusters.Elected(3, 1, NoPreVote);
        env[1].Raw.Propose(Clusters.Bytes("x"));
        env.Stabilize();

        // Node 2 now holds 1/1, 2/2 (no-op), 2/3.
        env[2].Raw.Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = 9, Index = lastIndex, LogTerm = lastTerm });
        var response = env.Take(2).MessagesAfterPersist.Single(m => m.Type == MessageType.VoteResponse);
        Assert.Equal(rejected, response.Reject);
    }

    // Raft §5.1
    [Fact]
    public void A_leader_that_sees_a_higher_term_steps_down_and_adopts_it()
    {
        var env = Clusters.Elected(3, 1, NoPreVote);
        env[1].Raw.Step(new Message { Type = MessageType.Append, From = 2, To = 1, Term = 7, Index = 2, LogTerm = 2 });
        var st = env.Status(1);
        Assert.Equal(RaftRole.Follower, st.SoftState.Role);
        Assert.Equal(7UL, st.HardState.Term);
        Assert.Equal(2UL, st.SoftState.Leader);
    }

    // Raft §5.1, pitfall 14: a stale leader learns the newer term from the reply instead of being ignored.
    [Fact]
    public void A_message_from_an_older_term_is_answered_with_the_current_term()
    {
        var env = Clusters.Elected(3, 1);
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 3, To = 2, Term = 1, Index = 1, LogTerm = 1 });
        var reply = env.Take(2).MessagesAfterPersist.Single();
        Assert.Equal(MessageType.AppendResponse, reply.Type);
        Assert.Equal(2UL, reply.Term);
        Assert.Equal(2UL, env.Status(2).HardState.Term);
    }

    // Raft §5.2: a candidate that hears from a leader of its term accepts it.
    [Fact]
    public void A_candidate_becomes_follower_when_a_leader_of_its_term_appends()
    {
        var env = Clusters.Bootstrapped(3, NoPreVote);
        env[2].Raw.Campaign();
        env.ProcessReady(2);
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 3, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        Assert.Equal(RaftRole.Follower, env.Status(2).SoftState.Role);
        Assert.Equal(3UL, env.Status(2).SoftState.Leader);
    }

    // Raft thesis §9.6
    [Fact]
    public void A_pre_candidate_does_not_raise_its_term_until_it_wins_the_pre_vote()
    {
        var env = Clusters.Elected(3, 1, new InteractionEnv.NodeOptions { CheckQuorum = false });
        env.Isolate(3);
        env[1].Raw.Propose(Clusters.Bytes("while 3 is away"));
        for (var i = 0; i < 5; i++)
        {
            env.Tick(3, 20);
            env.Stabilize();
        }

        Assert.Equal(RaftRole.PreCandidate, env.Status(3).SoftState.Role);
        Assert.Equal(2UL, env.Status(3).HardState.Term);
        env.Heal();
        env.Tick(3, 20);
        env.Stabilize();
        Assert.Equal(RaftRole.Leader, env.Status(1).SoftState.Role);
        Assert.Equal(2UL, env.Status(1).HardState.Term);
    }

    // Raft §6 (learners), pitfall 7
    [Fact]
    public void A_learner_never_campaigns()
    {
        var env = Clusters.Elected(3, 1);
        env.AddNode(4, new InteractionEnv.NodeOptions(), null);
        env[1].Raw.ProposeConfChange(new ConfChange { Changes = [new ConfChangeSingle(ConfChangeType.AddLearner, 4)] });
        env.Stabilize();
        Assert.Equal([4UL], env.Status(4).ConfState.Learners.ToArray());
        env.Isolate(4);
        env.Tick(4, 100);
        env[4].Raw.Campaign();
        Assert.Equal(RaftRole.Follower, env.Status(4).SoftState.Role);
        Assert.Equal(2UL, env.Status(4).HardState.Term);
    }

    // Pitfall 7: no campaign while a committed configuration change is unapplied.
    [Fact]
    public void A_node_with_an_unapplied_committed_configuration_change_does_not_campaign()
    {
        var (node, _) = (new RawNode(new RaftConfig { Id = 1, Log = new MemoryRaftLog(), Random = new SplitMix64(1) }), 0);
        node.Bootstrap([1, 2, 3]);

        // Entry 1 (the bootstrap configuration) is committed but the host has not applied it yet.
        node.Campaign();
        Assert.Equal(RaftRole.Follower, node.Status().SoftState.Role);
        Assert.Equal(1UL, node.Status().HardState.Term);
    }
}
