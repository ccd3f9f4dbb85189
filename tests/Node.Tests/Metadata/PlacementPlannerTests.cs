// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Metadata;

namespace RaftCache.Node.Tests.Metadata;

/// <summary>
/// The placement controller's decisions, checked on records without a cluster: moves are bounded and one
/// replica at a time, a settled cluster has the replication factor on live members with replicas and leaders
/// within one of each other, and the planner never moves towards a member it cannot use.
/// </summary>
public sealed class PlacementPlannerTests
{
    private static readonly HashSet<ulong> NoneDown = [];

    [Fact]
    public void A_founded_cluster_needs_no_move_and_spreads_its_leaders()
    {
        var record = PlannerFixtures.Founded(members: 3, shards: 16, replicationFactor: 3);
        var plan = PlacementPlanner.Compute(record, NoneDown, maxMoves: 2);
        Assert.Empty(plan.Targets);
        Assert.Equal(16, plan.PreferredLeaders.Count);
        var counts = plan.PreferredLeaders.Values.GroupBy(l => l).Select(g => g.Count()).ToArray();
        Assert.True(counts.Max() - counts.Min() <= 1, string.Join(',', counts));
    }

    [Theory]
    [InlineData(3, 4, 16, 3)]
    [InlineData(3, 5, 16, 3)]
    [InlineData(3, 4, 4, 3)]
    [InlineData(5, 7, 64, 3)]
    [InlineData(1, 3, 8, 3)]
    public void New_members_get_their_share(int founders, int total, int shards, int replicationFactor)
    {
        var record = PlannerFixtures.Founded(founders, shards, replicationFactor);
        for (var id = founders + 1; id <= total; id++) record = record.WithMember((ulong)id);
        var (settled, _) = PlannerFixtures.Settle(record, NoneDown, maxMoves: 2);

        var members = settled.Members.Keys.ToArray();
        Assert.All(settled.Placement.Values, p => Assert.Equal(replicationFactor, p.Length));
        var replicas = PlannerFixtures.ReplicaCounts(settled, members);
        Assert.True(replicas.Values.Max() - replicas.Values.Min() <= 1, string.Join(' ', replicas));
        var leaders = PlannerFixtures.LeaderCounts(settled, members);
        Assert.True(leaders.Values.Max() - leaders.Values.Min() <= 1, string.Join(' ', leaders));
        Assert.All(settled.PreferredLeaders, l => Assert.Contains(l.Value, settled.Placement[l.Key]));
    }

    [Fact]
    public void A_shard_whose_replicas_are_all_leaving_still_moves_onto_the_active_members()
    {
        // Every founder drained at once, three new members active: each shard's replicas are all on leaving members,
        // which still run and can carry a move out. A shard on down members only (member 3 reported down) waits.
        var record = PlannerFixtures.Founded(members: 3, shards: 4, replicationFactor: 3)
            .WithMember(1, MemberState.Leaving).WithMember(2, MemberState.Leaving).WithMember(3, MemberState.Leaving)
            .WithMember(4).WithMember(5).WithMember(6);
        var (settled, _) = PlannerFixtures.Settle(record, NoneDown, maxMoves: 2);
        Assert.All(settled.Placement.Values, p => Assert.Equal([4UL, 5UL, 6UL], p.Order()));

        var allDown = PlacementPlanner.Compute(record, new HashSet<ulong> { 1, 2, 3 }, maxMoves: 2);
        Assert.Empty(allDown.Targets);
    }

    [Fact]
    public void A_leaving_member_is_drained_and_a_joining_one_gets_nothing_yet()
    {
        var record = PlannerFixtures.Founded(members: 5, shards: 16, replicationFactor: 3)
            .WithMember(5, MemberState.Leaving)
            .WithMember(6, MemberState.Joining);
        var (settled, _) = PlannerFixtures.Settle(record, NoneDown, maxMoves: 3);
        Assert.DoesNotContain(settled.Placement.Values, p => p.Contains(5UL) || p.Contains(6UL));
        Assert.DoesNotContain(5UL, settled.PreferredLeaders.Values);
        var replicas = PlannerFixtures.ReplicaCounts(settled, [1, 2, 3, 4]);
        Assert.True(replicas.Values.Max() - replicas.Values.Min() <= 1, string.Join(' ', replicas));
    }

    [Fact]
    public void A_shard_wholly_on_leaving_members_moves_off_them_so_their_drains_finish()
    {
        // Three founders hold every replica and all three drain while three new members are active: each shard has
        // no replica on a usable member, yet every one is reachable and can walk itself onto the new members.
        var record = PlannerFixtures.Founded(members: 3, shards: 4, replicationFactor: 3)
            .WithMember(4).WithMember(5).WithMember(6)
            .WithMember(1, MemberState.Leaving).WithMember(2, MemberState.Leaving).WithMember(3, MemberState.Leaving);
        var (settled, _) = PlannerFixtures.Settle(record, NoneDown, maxMoves: 2);
        Assert.All(settled.Placement.Values, p => Assert.Equal(new ulong[] { 4, 5, 6 }, p.Order()));
        Assert.All(settled.PreferredLeaders.Values, l => Assert.InRange(l, 4UL, 6UL));
    }

    [Fact]
    public void A_shard_with_no_reachable_replica_is_not_moved()
    {
        // Every replica down: the group has nobody to carry out a change, so a target would only hold a move slot.
        var record = PlannerFixtures.Founded(members: 3, shards: 2, replicationFactor: 3).WithMember(4).WithMember(5).WithMember(6);
        var plan = PlacementPlanner.Compute(record, new HashSet<ulong> { 1, 2, 3 }, maxMoves: 2);
        Assert.Empty(plan.Targets);
    }

    [Fact]
    public void A_down_member_is_replaced_only_where_there_is_a_spare()
    {
        var four = PlannerFixtures.Founded(members: 4, shards: 8, replicationFactor: 3);
        var (healed, _) = PlannerFixtures.Settle(four, new HashSet<ulong> { 4 }, maxMoves: 2);
        Assert.DoesNotContain(healed.Placement.Values, p => p.Contains(4UL));
        Assert.All(healed.Placement.Values, p => Assert.Equal(3, p.Length));

        // Three members, one down: nowhere to re-create its replicas, so nothing moves and nothing is dropped.
        var three = PlannerFixtures.Founded(members: 3, shards: 8, replicationFactor: 3);
        var plan = PlacementPlanner.Compute(three, new HashSet<ulong> { 3 }, maxMoves: 2);
        Assert.Empty(plan.Targets);
        Assert.DoesNotContain(3UL, plan.PreferredLeaders.Values);
    }

    [Fact]
    public void A_move_towards_a_member_that_went_down_is_abandoned()
    {
        var record = PlannerFixtures.Founded(members: 3, shards: 4, replicationFactor: 3).WithMember(4);
        var plan = PlacementPlanner.Compute(record, NoneDown, maxMoves: 1);
        var (shard, target) = Assert.Single(plan.Targets);
        Assert.Contains(4UL, target);
        record = record with { Targets = plan.Targets };

        var after = PlacementPlanner.Compute(record, new HashSet<ulong> { 4 }, maxMoves: 1);
        Assert.False(after.Targets.TryGetValue(shard, out var kept) && kept.Contains(4UL), "the move onto the down member was kept");
    }

    [Fact]
    public void Surplus_replicas_are_dropped_but_never_below_the_replication_factor()
    {
        var record = PlannerFixtures.Founded(members: 5, shards: 2, replicationFactor: 3);
        record = record with { Placement = record.Placement.SetItem(1, [1UL, 2, 3, 4, 5]) };
        var (settled, _) = PlannerFixtures.Settle(record, NoneDown, maxMoves: 2);
        Assert.Equal(3, settled.Placement[1].Length);
    }

    [Fact]
    public void Random_clusters_settle_balanced_on_live_members()
    {
        // Seeded: 300 random clusters (members, states, down members, shards, replication factor, move limit).
        var random = new Random(20261122);
        for (var run = 0; run < 300; run++)
        {
            var founders = random.Next(1, 6);
            var shards = random.Next(1, 40);
            var rf = random.Next(1, 4);
            var record = PlannerFixtures.Founded(founders, shards, rf);
            var extra = random.Next(0, 4);
            for (var i = 1; i <= extra; i++) record = record.WithMember((ulong)(founders + i), random.Next(4) == 0 ? MemberState.Leaving : MemberState.Active);
            var down = record.Members.Keys.Where(_ => random.Next(6) == 0).ToHashSet();
            var maxMoves = random.Next(1, 5);
            var context = $"run {run}: {founders}+{extra} members, {shards} shards, rf {rf}, down [{string.Join(',', down)}], moves {maxMoves}";

            var (settled, _) = PlannerFixtures.Settle(record, down, maxMoves);
            var usable = settled.Members.Values.Where(m => m.State == MemberState.Active && !down.Contains(m.Id)).Select(m => m.Id).ToHashSet();
            foreach (var (shard, replicas) in settled.Placement)
            {
                var before = record.Placement[shard];
                // Never fewer replicas than it started with (up to the factor), never more than the factor when it had no more.
                Assert.True(replicas.Length >= Math.Min(rf, before.Length), $"{context}: shard {shard} shrank to {replicas.Length}");
                if (before.Any(usable.Contains) && usable.Count >= rf)
                {
                    Assert.True(replicas.All(usable.Contains), $"{context}: shard {shard} on [{string.Join(',', replicas)}]");
                    Assert.Equal(rf, replicas.Length);
                }
            }
            if (usable.Count >= rf && record.Placement.Values.All(p => p.Any(usable.Contains)))
            {
                var counts = PlannerFixtures.ReplicaCounts(settled, usable);
                Assert.True(counts.Values.Max() - counts.Values.Min() <= 1, $"{context}: replicas {string.Join(' ', counts)}");
            }
        }
    }
}
