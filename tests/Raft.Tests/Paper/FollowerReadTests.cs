// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Paper;

/// <summary>
/// A follower's ReadIndex request counts as the asker's acknowledgement (docs/raft.md, "Reads"): where the leader and
/// the asker are a quorum the read index leaves at once; anywhere else, or from another term, a heartbeat round
/// confirms it; and the request never confirms a read that reached the leader before it.
/// </summary>
public sealed class FollowerReadTests
{
    [Fact]
    public void In_a_group_of_three_a_followers_read_is_answered_without_a_heartbeat_round()
    {
        var env = Clusters.Elected(3);
        var commit = env.Status(1).HardState.Commit;
        var request = AskFrom(env, 2, 200);
        Assert.Equal(env.Status(2).HardState.Term, request.LogTerm);

        env[1].Raw.Step(request);
        var rd = env.Take(1);
        Assert.DoesNotContain(rd.Messages, m => m.Type == MessageType.Heartbeat);
        var answer = Assert.Single(rd.Messages, m => m.Type == MessageType.ReadIndexResponse);
        Assert.Equal((2UL, 200UL, commit), (answer.To, answer.Context, answer.Index));
    }

    [Fact]
    public void In_a_group_of_five_a_followers_read_still_waits_for_a_heartbeat_round()
    {
        var env = Clusters.Elected(5);
        env[1].Raw.Step(AskFrom(env, 2, 200));
        var rd = env.Take(1);
        Assert.DoesNotContain(rd.Messages, m => m.Type == MessageType.ReadIndexResponse);
        // A quorum of five with the leader takes two followers' acknowledgements.
        Assert.Equal(2, rd.Messages.Count(m => m.Type == MessageType.Heartbeat && m.Context != 0));

        env.Messages.AddRange(rd.Messages);
        env[1].Raw.Advance(rd);
        env.Stabilize();
        Assert.Equal(new ReadState(200, env.Status(1).HardState.Commit), Assert.Single(env[2].ReadStates));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    public void A_request_that_does_not_carry_the_leaders_term_waits_for_a_heartbeat_round(ulong termBehind)
    {
        var env = Clusters.Elected(3);
        var term = env.Status(1).HardState.Term;
        // No term (a request relayed by an older member) or the asker's term before this leader's.
        var request = AskFrom(env, 2, 200) with { LogTerm = termBehind == 0 ? 0 : term - termBehind };

        env[1].Raw.Step(request);
        var rd = env.Take(1);
        Assert.DoesNotContain(rd.Messages, m => m.Type == MessageType.ReadIndexResponse);
        Assert.Equal(1, rd.Messages.Count(m => m.Type == MessageType.Heartbeat && m.Context != 0));
    }

    [Fact]
    public void A_followers_request_does_not_confirm_a_read_that_reached_the_leader_before_it()
    {
        var env = Clusters.Elected(3);
        // The leader's own read: its heartbeat round is lost, so nothing may confirm it yet. The follower's request,
        // which may have been sent before that read began, answers only itself.
        env[1].Raw.ReadIndex(7);
        var lost = env.Take(1);
        Assert.Empty(lost.ReadStates);
        env[1].Raw.Advance(lost);

        env[1].Raw.Step(AskFrom(env, 2, 200));
        var rd = env.Take(1);
        Assert.Single(rd.Messages, m => m.Type == MessageType.ReadIndexResponse && m.Context == 200);
        Assert.Empty(rd.ReadStates);
        env[1].Raw.Advance(rd);

        // The next heartbeat round confirms the leader's read as before.
        env.Tick(1, 1);
        env.Stabilize();
        Assert.Contains(env[1].ReadStates, r => r.RequestId == 7);
    }

    /// <summary>The ReadIndex message follower <paramref name="id"/> sends its leader for request <paramref name="requestId"/>.</summary>
    private static Message AskFrom(Interaction.InteractionEnv env, ulong id, ulong requestId)
    {
        Assert.Equal(ProposeOutcome.Forwarded, env[id].Raw.ReadIndex(requestId).Outcome);
        var rd = env.Take(id);
        env[id].Raw.Advance(rd);
        return Assert.Single(rd.Messages, m => m.Type == MessageType.ReadIndex);
    }
}
