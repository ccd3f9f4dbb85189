// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft.Tests.Interaction;

namespace RaftCache.Raft.Tests.Paper;

/// <summary>Quiescence (src/Raft/Core/Raft.Quiescence.cs): idle groups go quiet, anything wakes them, and a quiet follower still elects once woken.</summary>
public sealed class QuiescenceTests
{
    private const int QuietAfter = 3;

    private static InteractionEnv Quiet(PlantedBugs bugs = PlantedBugs.None) =>
        Clusters.Elected(3, 1, new InteractionEnv.NodeOptions { QuiesceTicks = QuietAfter, Bugs = bugs });

    /// <summary>Ticks every node once per round and delivers everything, <paramref name="rounds"/> times.</summary>
    private static void Rounds(InteractionEnv env, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            foreach (var id in env.Nodes.Keys) env.Tick(id, 1);
            env.Stabilize();
        }
    }

    private static bool AllQuiesced(InteractionEnv env) => env.Nodes.Values.All(n => n.Raw.Quiesced);

    // A fully replicated, idle group goes quiet after its idle rounds, and then sends nothing however long it stays idle.
    [Fact]
    public void An_idle_fully_replicated_group_quiesces_and_then_sends_nothing()
    {
        var env = Quiet();
        Rounds(env, QuietAfter + 2);
        Assert.True(AllQuiesced(env));
        for (var i = 0; i < 50; i++)
        {
            foreach (var id in env.Nodes.Keys) env.Tick(id, 1);
            foreach (var id in env.Nodes.Keys) Assert.False(env[id].Raw.HasReady(), $"node {id} produced a Ready while quiesced");
        }
        Assert.Equal(RaftRole.Leader, env.Status(1).SoftState.Role);
    }

    // Without the setting nothing ever quiesces (the default of the core).
    [Fact]
    public void A_group_without_quiesce_ticks_never_quiesces()
    {
        var env = Clusters.Elected(3);
        Rounds(env, 30);
        Assert.DoesNotContain(env.Nodes.Values, n => n.Raw.Quiesced);
    }

    // A leader never quiesces while a follower lacks an entry: the follower would never get it without new traffic.
    [Fact]
    public void A_leader_with_an_unreplicated_entry_does_not_quiesce()
    {
        var env = Quiet();
        env.Isolate(3);
        env[1].Raw.Propose(Clusters.Bytes("x"));
        env.Stabilize();
        Rounds(env, 5 * QuietAfter);
        Assert.False(env[1].Raw.Quiesced);
    }

    // The planted twin: the leader goes quiet with follower 3 missing an entry, so the oracle-level check has something to catch.
    [Fact]
    public void The_planted_bug_quiesces_with_an_unreplicated_entry()
    {
        var env = Quiet(PlantedBugs.QuiesceUnreplicated);
        env.Isolate(3);
        env[1].Raw.Propose(Clusters.Bytes("x"));
        env.Stabilize();
        Rounds(env, QuietAfter + 1);
        Assert.True(env[1].Raw.Quiesced);
        Assert.True(env.Status(3).LastIndex < env.Status(1).LastIndex);
    }

    // A proposal wakes the leader (it heartbeats at once) and its append wakes the followers; the group commits and goes quiet again.
    [Fact]
    public void A_proposal_wakes_the_group_and_it_quiesces_again_once_idle()
    {
        var env = Quiet();
        Rounds(env, QuietAfter + 2);
        Assert.True(AllQuiesced(env));
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.Propose(Clusters.Bytes("x")).Outcome);
        Assert.True(env.TakeReady(1));
        Assert.Contains(env.Messages, m => m.Type == MessageType.Heartbeat && !m.IsQuiesceMarker);
        env.PersistReady(1);
        env.Stabilize();
        Assert.DoesNotContain(env.Nodes.Values, n => n.Raw.Quiesced);
        var last = env.Status(1).LastIndex;
        Assert.All(env.Nodes.Keys, id => Assert.Equal(last, env.Status(id).HardState.Commit));
        Rounds(env, QuietAfter + 2);
        Assert.True(AllQuiesced(env));
    }

    // A read on a quiet leader wakes it and is confirmed by a fresh heartbeat quorum, like any read.
    [Fact]
    public void A_read_index_on_a_quiesced_leader_is_confirmed_by_a_new_heartbeat_round()
    {
        var env = Quiet();
        Rounds(env, QuietAfter + 2);
        env[1].Raw.ReadIndex(7);
        Assert.False(env[1].Raw.Quiesced);
        env.Stabilize();
        Assert.Equal(new ReadState(7, env.Status(1).HardState.Commit), Assert.Single(env[1].ReadStates));
    }

    // A lost marker leaves a follower ticking; its pre-vote wakes the leader, which keeps its term and leadership.
    [Fact]
    public void A_follower_that_missed_the_marker_wakes_the_leader_without_an_election()
    {
        var env = Quiet();
        for (var i = 0; i < 5 * QuietAfter && !env[1].Raw.Quiesced; i++)
        {
            foreach (var id in env.Nodes.Keys) env.Tick(id, 1);
            env.ProcessReady(1);
            env.Messages.RemoveAll(m => m.IsQuiesceMarker && m.To == 3);
            env.Stabilize();
        }
        Assert.True(env[1].Raw.Quiesced);
        Assert.False(env[3].Raw.Quiesced);
        var term = env.Status(1).HardState.Term;
        Rounds(env, 30);
        Assert.Equal(RaftRole.Leader, env.Status(1).SoftState.Role);
        Assert.Equal(term, env.Status(1).HardState.Term);
    }

    // A quiet follower never campaigns by itself (it counts no ticks) ...
    [Fact]
    public void A_quiesced_follower_counts_no_election_ticks()
    {
        var env = Quiet();
        Rounds(env, QuietAfter + 2);
        env.Isolate(1);
        Rounds(env, 100);
        Assert.Equal(RaftRole.Follower, env.Status(2).SoftState.Role);
        Assert.Equal(RaftRole.Follower, env.Status(3).SoftState.Role);
    }

    // ... but once the host's node liveness wakes it with the leader's silence, it elects within an election timeout.
    [Fact]
    public void Followers_woken_by_liveness_elect_a_new_leader_within_two_election_timeouts()
    {
        var env = Quiet();
        Rounds(env, QuietAfter + 2);
        env.Isolate(1);
        var term = env.Status(2).HardState.Term;
        env[2].Raw.Unquiesce(11);
        env[3].Raw.Unquiesce(11);
        var rounds = 0;
        while (env.Leader() is 1 or 0 && rounds++ < 20) Rounds(env, 1);
        var leader = env.Nodes.Keys.Where(id => id != 1).SingleOrDefault(id => env.Status(id).SoftState.Role == RaftRole.Leader);
        Assert.NotEqual(0UL, leader);
        Assert.True(env.Status(leader).HardState.Term > term);
        Assert.True(rounds <= 20, $"no election within {rounds} rounds");
    }
}
