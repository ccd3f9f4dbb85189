// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft.Tests.Interaction;

namespace RaftCache.Raft.Tests.Paper;

/// <summary>The Ready contract: what must be durable before which message leaves (Raft §5.1 Figure 2, pitfalls 4, 5, 13).</summary>
public sealed class PersistenceTests
{
    // Pitfall 4: a vote is sent only after the vote is durable.
    [Fact]
    public void A_vote_response_waits_for_persistence_and_the_ready_must_sync()
    {
        var env = Clusters.Bootstrapped(3);
        env[2].Raw.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        var rd = env.Take(2);
        Assert.True(rd.MustSync);
        Assert.Equal(new HardState(2, 1, 1), rd.HardState);
        Assert.Empty(rd.Messages);
        Assert.Equal(MessageType.VoteResponse, Assert.Single(rd.MessagesAfterPersist).Type);
    }

    // Raft §5.1: a node answers no message of a term before that term is durable. A follower that acked a heartbeat
    // of a term it then lost in a crash could help a deposed leader of the older term confirm a stale ReadIndex.
    [Fact]
    public void A_heartbeat_response_in_a_newly_learned_term_waits_for_the_term_to_be_durable()
    {
        var env = Clusters.Elected(3);
        env[2].Raw.Step(new Message { Type = MessageType.Heartbeat, From = 3, To = 2, Term = 5, Commit = 1, Session = 1 });
        var rd = env.Take(2);
        Assert.True(rd.MustSync);
        Assert.Equal(5UL, rd.HardState?.Term);
        Assert.Empty(rd.Messages);
        Assert.Equal(MessageType.HeartbeatResponse, Assert.Single(rd.MessagesAfterPersist).Type);
    }

    // In a known term the same response needs no fsync: nothing durable changes, so it is not delayed in practice.
    [Fact]
    public void A_heartbeat_response_in_the_current_term_needs_no_sync()
    {
        var env = Clusters.Elected(3);
        env[2].Raw.Step(new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 2, Commit = 1, Session = 1 });
        var rd = env.Take(2);
        Assert.False(rd.MustSync);
        Assert.Equal(MessageType.HeartbeatResponse, Assert.Single(rd.MessagesAfterPersist).Type);
    }

    // Pitfall 5: an append is acknowledged only after the entries are durable.
    [Fact]
    public void An_append_acknowledgement_waits_for_persistence_of_the_entries()
    {
        var env = Clusters.Elected(3);
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 2, Session = 1, Entries = [new Entry(3, 2, EntryType.Normal, Clusters.Bytes("x"))] });
        var rd = env.Take(2);
        Assert.True(rd.MustSync);
        Assert.Single(rd.Entries);
        Assert.Empty(rd.Messages);
        Assert.Equal(3UL, Assert.Single(rd.MessagesAfterPersist).Index);
    }

    // Pitfall 5, batched: a host that steps several messages before taking a Ready must never acknowledge an entry the
    // same Ready no longer persists. Here the term-2 leader's entry 3 is acknowledged, then a term-3 leader's append
    // replaces it before the Ready is taken: the old acknowledgement must not leave (the deposed leader could count
    // it and commit an entry no quorum holds).
    [Fact]
    public void An_acknowledgement_of_an_entry_replaced_in_the_same_ready_by_a_newer_leader_is_dropped()
    {
        var env = Clusters.Elected(3);
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 2, Session = 1, Entries = [new Entry(3, 2, EntryType.Normal, Clusters.Bytes("x"))] });
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 3, To = 2, Term = 3, Index = 2, LogTerm = 2, Session = 1, Entries = [new Entry(3, 3, EntryType.Normal, Clusters.Bytes("y"))] });
        var rd = env.Take(2);
        Assert.Equal(new Entry(3, 3, EntryType.Normal, Clusters.Bytes("y")).Term, Assert.Single(rd.Entries).Term);
        var ack = Assert.Single(rd.MessagesAfterPersist);
        Assert.Equal((3UL, 3UL, 3UL), (ack.To, ack.Term, ack.Index));
    }

    // Planted bug AckBeforePersist: acknowledgements leave with the safe-before-persistence messages.
    [Fact]
    public void The_planted_bug_sends_acknowledgements_before_persistence_and_counts_the_leader_early()
    {
        var env = Clusters.Elected(3, 1, new InteractionEnv.NodeOptions { Bugs = PlantedBugs.AckBeforePersist });
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 2, Session = 1, Entries = [new Entry(3, 2, EntryType.Normal, Clusters.Bytes("x"))] });
        var rd = env.Take(2);
        Assert.Empty(rd.MessagesAfterPersist);
        Assert.Equal(MessageType.AppendResponse, Assert.Single(rd.Messages).Type);

        var r = env[1].Raw.Propose(Clusters.Bytes("y"));
        Assert.Equal(r.Index, env.Status(1).Progress[1].Match);
    }

    // Pitfall 4 (contrast): without the bug the leader's own match moves only at Advance.
    [Fact]
    public void The_leader_counts_its_own_entry_only_after_advance()
    {
        var env = Clusters.Elected(3);
        var r = env[1].Raw.Propose(Clusters.Bytes("y"));
        Assert.Equal(r.Index - 1, env.Status(1).Progress[1].Match);
        env.ProcessReady(1);
        Assert.Equal(r.Index, env.Status(1).Progress[1].Match);
    }

    // Planted bug VoteNotPersisted: the hard state handed to the host has no vote.
    [Fact]
    public void The_planted_bug_hands_out_a_hard_state_without_the_vote()
    {
        var env = Clusters.Bootstrapped(3, new InteractionEnv.NodeOptions { Bugs = PlantedBugs.VoteNotPersisted });
        env[2].Raw.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        var rd = env.Take(2);
        Assert.Equal(new HardState(2, 0, 1), rd.HardState);
        Assert.Equal(1UL, env.Status(2).HardState.Vote);
    }

    // Pitfall 4: a restarted voter remembers its vote and does not vote twice in a term.
    [Fact]
    public void A_restarted_voter_does_not_vote_again_in_the_same_term()
    {
        var env = Clusters.Bootstrapped(3);
        env[2].Raw.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        env.ProcessReady(2);
        env.Restart(2);
        env.Stabilize([2]);
        env.Messages.Clear();
        env[2].Raw.Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        Assert.True(env.Take(2).MessagesAfterPersist.Single().Reject);
    }

    // Pitfall 13: storage acknowledgements are matched on (index, term), so an overwritten entry is not marked stable.
    [Fact]
    public void Advancing_a_ready_whose_entries_were_overwritten_meanwhile_keeps_the_new_entries_unstable()
    {
        var env = Clusters.Elected(3);
        var stale = new Message { Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 2, Session = 1, Entries = [new Entry(3, 2, EntryType.Normal, Clusters.Bytes("term2"))] };
        env[2].Raw.Step(stale);
        var rd = env.Take(2);

        // While entry 3 (term 2) is being written, a leader of term 3 replaces it.
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 3, To = 2, Term = 3, Index = 2, LogTerm = 2, Session = 1, Entries = [new Entry(3, 3, EntryType.Normal, Clusters.Bytes("term3"))] });
        env[2].Log.Append(rd.Entries);
        env[2].Raw.Advance(rd);

        // The term-3 entry must still be handed out for persistence, and then it replaces the term-2 one.
        var next = env.Take(2);
        Assert.Equal(new Entry(3, 3, EntryType.Normal, next.Entries.Single().Data), next.Entries.Single());
        env[2].Log.Append(next.Entries);
        env[2].Raw.Advance(next);
        Assert.True(env[2].Log.TryGetTerm(3, out var t) && t == 3);
        Assert.False(env[2].Raw.HasReady() && env[2].Raw.TakeReady().Entries.Count > 0);
    }

    // Planted bug TruncateCommitted: a stale append rewrites the log from its append point.
    [Fact]
    public void The_planted_bug_truncates_matching_entries_on_a_stale_append()
    {
        var env = Clusters.Elected(3, 1, new InteractionEnv.NodeOptions { Bugs = PlantedBugs.TruncateCommitted });
        Entry E(ulong i) => new(i, 2, EntryType.Normal, Clusters.Bytes($"e{i}"));
        var append = new Message { Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 2, Commit = 2, Session = 1, Entries = [E(3), E(4), E(5)] };
        env[2].Raw.Step(append);
        Assert.Equal(5UL, env.Status(2).LastIndex);

        // A duplicate of an earlier, shorter append arrives late: entries 4 and 5 (which the leader may
        // already count as replicated here) are cut.
        env[2].Raw.Step(append with { Entries = [E(3)] });
        Assert.Equal(3UL, env.Status(2).LastIndex);
    }

    // Pitfall 19: bootstrapping twice is refused.
    [Fact]
    public void Bootstrapping_a_node_with_a_non_empty_log_is_refused()
    {
        var (node, _) = Clusters.Single(1, [1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() => node.Bootstrap([1, 2, 3]));
    }

    // The host must advance the Ready it took before taking another.
    [Fact]
    public void Taking_a_second_ready_before_advancing_the_first_is_refused()
    {
        var env = Clusters.Elected(3);
        env[1].Raw.Propose(Clusters.Bytes("x"));
        var rd = env.Take(1);
        env[1].Raw.Propose(Clusters.Bytes("y"));
        Assert.False(env[1].Raw.HasReady());
        Assert.Throws<InvalidOperationException>(() => env[1].Raw.TakeReady());
        env[1].Raw.Advance(rd);
        Assert.Single(env[1].Raw.TakeReady().Entries);
    }
}
