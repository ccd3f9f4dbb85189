// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft.Tests.Interaction;

namespace RaftCache.Raft.Tests.Paper;

public sealed class ReadAndTransferTests
{
    // Raft thesis §6.4, pitfall 2: a leader cut off from the majority never confirms a read.
    [Fact]
    public void A_partitioned_leader_never_answers_a_read_index_request()
    {
        var env = Clusters.Elected(3);
        env.Isolate(1);
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.ReadIndex(7).Outcome);
        for (var i = 0; i < 5; i++)
        {
            env.Tick(1, 1);
            env.Stabilize();
        }

        Assert.Empty(env[1].ReadStates);
    }

    // Raft thesis §6.4: confirmed by a heartbeat quorum, at the commit index.
    [Fact]
    public void A_leader_answers_a_read_after_a_heartbeat_quorum_at_its_commit_index()
    {
        var env = Clusters.Elected(3);
        env[1].Raw.ReadIndex(7);
        var rd = env[1].Raw.TakeReady();
        Assert.Empty(rd.ReadStates);
        // Just enough of a quorum with the leader: one follower of two.
        Assert.Equal(1, rd.Messages.Count(m => m.Type == MessageType.Heartbeat && m.Context != 0));
        env.Messages.AddRange(rd.Messages);
        env[1].Raw.Advance(rd);
        env.Stabilize();
        Assert.Equal(new ReadState(7, env.Status(1).HardState.Commit), Assert.Single(env[1].ReadStates));
    }

    [Fact]
    public void A_read_whose_chosen_follower_stays_silent_is_confirmed_by_the_next_heartbeat_to_every_peer()
    {
        // Injected: the one heartbeat of a read's round is lost. Checked: the read is not answered from the leader's
        // acknowledgement alone, and the regular heartbeat, which carries the pending read to both followers, confirms it.
        var env = Clusters.Elected(3);
        env[1].Raw.ReadIndex(7);
        var rd = env[1].Raw.TakeReady();
        Assert.Single(rd.Messages, m => m.Type == MessageType.Heartbeat && m.Context != 0);
        env[1].Raw.Advance(rd);
        env.Stabilize();
        Assert.Empty(env[1].ReadStates);

        env.Tick(1, 1);
        var beat = env[1].Raw.TakeReady();
        var context = beat.Messages.Where(m => m.Type == MessageType.Heartbeat).Select(m => m.Context).Distinct().Single();
        Assert.NotEqual(0UL, context);
        Assert.Equal(new ulong[] { 2, 3 }, beat.Messages.Where(m => m.Type == MessageType.Heartbeat).Select(m => m.To).Order());
        env.Messages.AddRange(beat.Messages);
        env[1].Raw.Advance(beat);
        env.Stabilize();
        Assert.Equal(new ReadState(7, env.Status(1).HardState.Commit), Assert.Single(env[1].ReadStates));
    }

    [Fact]
    public void A_reads_heartbeat_goes_to_a_recently_active_follower()
    {
        // Injected: follower 2 is cut off for a check-quorum interval, so the leader no longer counts it recently
        // active. Checked: the read's one heartbeat goes to follower 3, the one that answers.
        var env = Clusters.Elected(3);
        env.Isolate(2);
        for (var tick = 0; tick < 2 * 10; tick++) // two election timeouts: a check-quorum round resets who is active
        {
            env.Tick(1, 1);
            env.Stabilize();
        }
        env.Heal();
        Assert.Equal(RaftRole.Leader, env.Status(1).SoftState.Role);
        env[1].Raw.ReadIndex(7);
        var rd = env[1].Raw.TakeReady();
        Assert.Equal(3UL, Assert.Single(rd.Messages, m => m.Type == MessageType.Heartbeat && m.Context != 0).To);
    }

    // Planted bug ReadWithoutReadIndex really answers without confirming leadership.
    [Fact]
    public void The_planted_bug_answers_a_read_at_once_even_when_partitioned()
    {
        var env = Clusters.Elected(3, 1, new InteractionEnv.NodeOptions { Bugs = PlantedBugs.ReadWithoutReadIndex });
        env.Isolate(1);
        env[1].Raw.ReadIndex(7);
        Assert.Single(env[1].Raw.TakeReady().ReadStates);
    }

    // Raft thesis §6.4: lease reads are refused without CheckQuorum (configuration validation).
    [Fact]
    public void Lease_based_reads_require_check_quorum()
    {
        var config = new RaftConfig { Id = 1, Log = new MemoryRaftLog(), Random = new SplitMix64(1), ReadOnlyOption = ReadOnlyOption.LeaseBased, CheckQuorum = false };
        Assert.Throws<ArgumentException>(() => new RawNode(config));
    }

    // The host's lease reads: a leader may promise a lease only while it leads with check-quorum and started no transfer
    // (the transferee is elected at once, ignoring every follower's stickiness), even one abandoned since.
    [Fact]
    public void A_leader_that_started_a_transfer_offers_no_lease_term_for_the_rest_of_its_term()
    {
        var env = Clusters.Elected(3);
        var term = env.Status(1).HardState.Term;
        Assert.Equal(term, env[1].Raw.LeaseTerm);
        Assert.Equal(0UL, env[2].Raw.LeaseTerm);
        env.Isolate(3);
        env[1].Raw.TransferLeadership(3);
        env.Tick(1, 10);
        Assert.Equal(0UL, env.Status(1).LeadTransferee);
        Assert.Equal(RaftRole.Leader, env.Status(1).SoftState.Role);
        Assert.Equal(0UL, env[1].Raw.LeaseTerm);
    }

    // RaftConfig.RefuseVotesAfterStart: a (re)starting follower may have acknowledged a leader's lease before it
    // crashed, so it ignores votes for an election timeout after it starts; without the option it votes at once.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_starting_node_refuses_votes_for_an_election_timeout_only_when_configured(bool refuse)
    {
        var log = new MemoryRaftLog();
        var node = new RawNode(new RaftConfig { Id = 2, Log = log, Random = new SplitMix64(2), RefuseVotesAfterStart = refuse });
        node.Bootstrap([1, 2, 3]);
        Clusters.Persist(node, log);

        Assert.Equal(!refuse, GrantsVote(node, log, term: 5));
        for (var i = 0; i < 10; i++) node.Tick();
        Assert.True(GrantsVote(node, log, term: 6), "an election timeout after its start the node votes again");
    }

    private static bool GrantsVote(RawNode node, MemoryRaftLog log, ulong term)
    {
        node.Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = term, LogTerm = term, Index = 100 });
        return Clusters.Persist(node, log).Any(rd => rd.Messages.Concat(rd.MessagesAfterPersist).Any(m => m.Type == MessageType.VoteResponse && !m.Reject));
    }

    // Raft thesis §3.10, pitfall 15: proposals are refused during a transfer; it is abandoned after an election timeout.
    [Fact]
    public void A_transfer_to_an_unreachable_node_is_abandoned_after_an_election_timeout()
    {
        var env = Clusters.Elected(3);
        env.Isolate(3);
        env[1].Raw.TransferLeadership(3);
        Assert.Equal(3UL, env.Status(1).LeadTransferee);
        Assert.Equal(ProposeOutcome.TransferInProgress, env[1].Raw.Propose(Clusters.Bytes("x")).Outcome);
        env.Tick(1, 10);
        Assert.Equal(0UL, env.Status(1).LeadTransferee);
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.Propose(Clusters.Bytes("x")).Outcome);
    }

    // Raft thesis §3.10
    [Fact]
    public void A_transfer_to_an_up_to_date_follower_makes_it_leader()
    {
        var env = Clusters.Elected(3);
        env[1].Raw.TransferLeadership(2);
        env.Stabilize();
        Assert.Equal(2UL, env.Leader());
        Assert.Equal(RaftRole.Follower, env.Status(1).SoftState.Role);
        Assert.Equal(0UL, env.Status(1).LeadTransferee);
    }

    // Pitfall 20: proposals fail fast when the uncommitted tail exceeds its byte budget.
    [Fact]
    public void Proposals_fail_fast_beyond_the_uncommitted_byte_budget_and_when_too_large()
    {
        var env = Clusters.Elected(3, 1, new InteractionEnv.NodeOptions { MaxUncommittedBytes = 100 });
        env.Isolate(1);
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.Propose(new byte[60]).Outcome);
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.Propose(new byte[40]).Outcome);
        Assert.Equal(ProposeOutcome.UncommittedLimit, env[1].Raw.Propose(new byte[1]).Outcome);
        Assert.Equal(ProposeOutcome.TooLarge, env[1].Raw.Propose(new byte[(4 << 20) + 1]).Outcome);
    }

    // Proposals on followers: forwarded with a known leader, refused otherwise.
    [Fact]
    public void A_follower_forwards_proposals_to_its_leader()
    {
        var env = Clusters.Elected(3);
        var r = env[2].Raw.Propose(Clusters.Bytes("via 2"));
        Assert.Equal(new ProposeResult(ProposeOutcome.Forwarded, 0, 0, 1), r);
        env.Stabilize();
        Assert.Contains(env[3].Applied, e => e.Type == EntryType.Normal);
        var fresh = Clusters.Bootstrapped(3);
        Assert.Equal(ProposeOutcome.NotLeader, fresh[2].Raw.Propose(Clusters.Bytes("nobody")).Outcome);
    }

    // A host that waits for its proposal's index refuses forwarding: the caller learns "not applied, try the leader".
    [Fact]
    public void A_follower_with_forwarding_disabled_refuses_proposals_and_names_the_leader()
    {
        var env = Clusters.Elected(3);
        var before = env[1].Raw.Status().LastIndex;
        var r = env[2].Raw.Propose(Clusters.Bytes("via 2"), forward: false);
        Assert.Equal(ProposeResult.Dropped(ProposeOutcome.NotLeader, 1), r);
        env.Stabilize();
        Assert.Equal(before, env[1].Raw.Status().LastIndex);
        Assert.DoesNotContain(env[3].Applied, e => e.Type == EntryType.Normal && e.Data.Length > 0);
    }
}
