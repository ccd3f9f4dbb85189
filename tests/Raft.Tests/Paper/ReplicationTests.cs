// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Paper;

public sealed class ReplicationTests
{
    // Raft §5.3
    [Fact]
    public void A_proposal_is_committed_once_a_majority_persisted_it_and_then_applied_everywhere()
    {
        var env = Clusters.Elected(5, 1);
        env.Isolate(4);
        env.Isolate(5);
        var result = env[1].Raw.Propose(Clusters.Bytes("v"));
        Assert.Equal(new ProposeResult(ProposeOutcome.Accepted, 3, 2, 1), result);
        env.Stabilize();
        Assert.Equal(3UL, env.Status(1).HardState.Commit);
        Assert.Contains(env[2].Applied, e => e.Index == 3);
        Assert.DoesNotContain(env[4].Applied, e => e.Index == 3);
        env.Heal();
        env.Tick(1, 1);
        env.Stabilize();
        Assert.Contains(env[4].Applied, e => e.Index == 3);
    }

    // Raft §5.3: the leader counts itself only after its own fsync (Advance), never on append.
    [Fact]
    public void A_single_voter_commits_its_entry_only_after_the_ready_carrying_it_is_advanced()
    {
        var (node, log) = Clusters.Single(1, [1]);
        node.Campaign();
        Clusters.Persist(node, log);
        var result = node.Propose(Clusters.Bytes("x"));
        var rd = node.TakeReady();
        Assert.Single(rd.Entries);
        Assert.Empty(rd.CommittedEntries);
        Assert.Equal(result.Index - 1, node.Status().HardState.Commit);
        log.Append(rd.Entries);
        node.Advance(rd);
        Assert.Equal(result.Index, node.Status().HardState.Commit);
        Assert.Equal(result.Index, node.TakeReady().CommittedEntries.Single().Index);
    }

    // Raft §5.3: consistency check of AppendEntries.
    [Fact]
    public void A_follower_rejects_an_append_whose_previous_entry_it_lacks_with_a_backtracking_hint()
    {
        var env = Clusters.Elected(3, 1);
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 7, LogTerm = 2, Session = 1 });
        var reply = env.Take(2).MessagesAfterPersist.Single();
        Assert.True(reply.Reject);
        Assert.Equal(7UL, reply.Index);
        Assert.Equal(2UL, reply.RejectHint); // its last index
        Assert.Equal(2UL, reply.LogTerm);
        Assert.Equal(1UL, reply.Session);
    }

    // Raft §5.3, pitfall 10: a duplicated or reordered append never truncates matching entries.
    [Fact]
    public void A_stale_duplicate_append_leaves_a_longer_matching_log_intact()
    {
        var env = Clusters.Elected(3, 1);
        var entries = new[] { new Entry(3, 2, EntryType.Normal, Clusters.Bytes("a")), new Entry(4, 2, EntryType.Normal, Clusters.Bytes("b")) };
        var full = new Message { Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 2, Entries = entries, Session = 1 };
        env[2].Raw.Step(full);
        env[2].Raw.Step(full with { Entries = [entries[0]] });
        env.ProcessReady(2);
        Assert.Equal(4UL, env[2].Log.LastIndex);
        Assert.Equal(4UL, env.Status(2).LastIndex);
    }

    // Raft §5.3: a conflicting suffix (same index, other term) is replaced by the leader's entries.
    [Fact]
    public void A_follower_replaces_a_conflicting_uncommitted_suffix()
    {
        var env = Clusters.Elected(3, 1);
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 2, Session = 1,
            Entries = [new Entry(3, 2, EntryType.Normal, Clusters.Bytes("old")), new Entry(4, 2, EntryType.Normal, Clusters.Bytes("old"))] });
        env.ProcessReady(2);
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 3, To = 2, Term = 3, Index = 2, LogTerm = 2, Session = 1,
            Entries = [new Entry(3, 3, EntryType.Normal, Clusters.Bytes("new"))] });
        env.ProcessReady(2);
        Assert.Equal(3UL, env[2].Log.LastIndex);
        Assert.True(env[2].Log.TryGetTerm(3, out var term) && term == 3);
    }

    // Raft §5.3: an append older than the commit index is answered with the commit index, and ignored.
    [Fact]
    public void An_append_from_before_the_commit_index_is_acknowledged_without_touching_the_log()
    {
        var env = Clusters.Elected(3, 1);
        env[2].Raw.Step(new Message
        {
            Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1, Session = 1,
            Entries = [new Entry(2, 2, EntryType.NoOp, ReadOnlyMemory<byte>.Empty)],
        });
        var reply = env.Take(2).MessagesAfterPersist.Single();
        Assert.False(reply.Reject);
        Assert.Equal(2UL, reply.Index);
        Assert.Equal(2UL, env.Status(2).LastIndex);
    }

    // Raft §5.3: the leader finds the match point in few round trips (fast backtracking with conflict terms).
    [Fact]
    public void A_rejection_hint_lets_the_leader_skip_a_whole_divergent_term()
    {
        // Leader 1 holds 1/1, then entries 2..22 of term 2, and wins term 3 (no-op at 23).
        var log = new MemoryRaftLog();
        var entries = new List<Entry> { BootstrapEntry() };
        for (ulong i = 2; i <= 22; i++) entries.Add(new Entry(i, 2, EntryType.Normal, Clusters.Bytes($"e{i}")));
        log.Append(entries);
        log.SetHardState(new HardState(2, 0, 1));
        log.SetConfState(new ConfState { Voters = [1, 2, 3] });
        var node = new RawNode(new RaftConfig { Id = 1, Log = log, Random = new SplitMix64(1), PreVote = false, Applied = 1 });
        node.Campaign();
        Clusters.Persist(node, log);
        node.Step(new Message { Type = MessageType.VoteResponse, From = 2, To = 1, Term = 3 });
        Clusters.Persist(node, log);

        // Follower 2 rejects the probe at 22: its log ends at index 5 whose term is 1.
        node.Step(new Message { Type = MessageType.AppendResponse, From = 2, To = 1, Term = 3, Index = 22, Reject = true, RejectHint = 5, LogTerm = 1 });
        var probe = node.TakeReady().Messages.Single(m => m.To == 2 && m.Type == MessageType.Append);

        // Every index above 1 has term 2 > 1, so none can match: the next probe goes straight to index 1.
        Assert.Equal(1UL, probe.Index);
        Assert.Equal(1UL, probe.LogTerm);
    }

    private static Entry BootstrapEntry() => new(1, 1, EntryType.ConfChange, ConfChangeCodec.Encode(new ConfChange
    {
        Changes = [new(ConfChangeType.AddVoter, 1), new(ConfChangeType.AddVoter, 2), new(ConfChangeType.AddVoter, 3)],
    }));

    // Raft §5.4.2, Figure 8 (pitfall 1): see also testdata/figure8.txt.
    [Fact]
    public void A_leader_does_not_commit_an_entry_of_an_earlier_term_by_counting_replicas()
    {
        var (leader, peerProgress) = FigureEight(PlantedBugs.None);
        Assert.Equal(2UL, leader.Status().HardState.Commit);
        Assert.Equal(3UL, peerProgress);
    }

    // Planted bug CommitPreviousTermByCount really changes the commit rule.
    [Fact]
    public void The_planted_commit_by_count_bug_commits_the_earlier_term_entry()
    {
        var (leader, _) = FigureEight(PlantedBugs.CommitPreviousTermByCount);
        Assert.Equal(3UL, leader.Status().HardState.Commit);
    }

    /// <summary>
    /// Node 1 leads term 3 with an entry 3 of term 2 in its log; node 2 acknowledges index 3 but not the
    /// leader's own no-op at 4. Returns the leader and node 2's match.
    /// </summary>
    private static (RawNode Leader, ulong PeerMatch) FigureEight(PlantedBugs bugs)
    {
        var log = new MemoryRaftLog();
        log.Append([
            BootstrapEntry(),
            new Entry(2, 2, EntryType.NoOp, ReadOnlyMemory<byte>.Empty),
            new Entry(3, 2, EntryType.Normal, Clusters.Bytes("old term")),
        ]);
        log.SetHardState(new HardState(2, 1, 2));
        log.SetConfState(new ConfState { Voters = [1, 2, 3] });
        var node = new RawNode(new RaftConfig { Id = 1, Log = log, Random = new SplitMix64(1), PreVote = false, PlantedBugs = bugs, Applied = 2 });
        node.Campaign();
        Clusters.Persist(node, log);
        node.Step(new Message { Type = MessageType.VoteResponse, From = 2, To = 1, Term = 3 });
        Clusters.Persist(node, log);
        Assert.Equal(RaftRole.Leader, node.Status().SoftState.Role);
        node.Step(new Message { Type = MessageType.AppendResponse, From = 2, To = 1, Term = 3, Index = 3 });
        return (node, node.Status().Progress[2].Match);
    }
}
