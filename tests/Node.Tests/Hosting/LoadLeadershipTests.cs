// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;
using static RaftCache.Node.Hosting.LoadLeadership;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>The rule that moves a shard's leadership to the member its requests come from, and its hysteresis.</summary>
public sealed class LoadLeadershipTests
{
    private const long Min = 100;

    private static (Verdict, ulong) Decide(ulong self, ulong preferred, Dictionary<ulong, long> counts, Func<ulong, bool>? eligible = null) =>
        LoadLeadership.Decide(self, preferred, counts, eligible ?? (_ => true), Min);

    [Fact]
    public void A_member_bringing_the_requests_takes_the_leadership() =>
        Assert.Equal((Verdict.Follow, 1UL), Decide(self: 2, preferred: 2, new() { [1] = 500, [2] = 10 }));

    [Fact]
    public void Nothing_moves_below_the_minimum() =>
        Assert.Equal((Verdict.NoOpinion, 0UL), Decide(self: 2, preferred: 2, new() { [1] = Min - 1 }));

    [Fact]
    public void Evenly_spread_clients_move_nothing()
    {
        // Just under twice the leader's own requests: the hysteresis keeps it.
        Assert.Equal((Verdict.NoOpinion, 0UL), Decide(self: 2, preferred: 2, new() { [1] = 399, [2] = 200, [3] = 300 }));
        Assert.Equal((Verdict.Follow, 1UL), Decide(self: 2, preferred: 2, new() { [1] = 400, [2] = 200, [3] = 300 }));
    }

    [Fact]
    public void The_busiest_eligible_member_is_chosen_and_ties_go_to_the_lowest_id()
    {
        Assert.Equal((Verdict.Follow, 3UL), Decide(self: 2, preferred: 2, new() { [1] = 900, [3] = 800 }, m => m != 1));
        Assert.Equal((Verdict.Follow, 1UL), Decide(self: 2, preferred: 2, new() { [3] = 800, [1] = 800 }));
        Assert.Equal((Verdict.NoOpinion, 0UL), Decide(self: 2, preferred: 2, new() { [1] = 900 }, _ => false));
    }

    [Fact]
    public void A_leader_that_brings_the_load_keeps_a_shard_it_is_not_preferred_for()
    {
        Assert.Equal((Verdict.Stay, 0UL), Decide(self: 1, preferred: 2, new() { [1] = 500, [2] = 300 }));
        // Equal load from the preferred member: it still stays, so a leadership does not flip on noise.
        Assert.Equal((Verdict.Stay, 0UL), Decide(self: 1, preferred: 2, new() { [1] = 500, [2] = 500 }));
        // The preferred member brings more: the balance rule decides (it hands the shard back).
        Assert.Equal((Verdict.NoOpinion, 0UL), Decide(self: 1, preferred: 2, new() { [1] = 500, [2] = 501 }));
        // The load went away: the balance rule decides.
        Assert.Equal((Verdict.NoOpinion, 0UL), Decide(self: 1, preferred: 2, new() { [1] = Min - 1 }));
    }

    [Fact]
    public void The_leaders_own_requests_never_make_it_follow_itself() =>
        Assert.Equal((Verdict.NoOpinion, 0UL), Decide(self: 1, preferred: 1, new() { [1] = 10_000 }));
}
