// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Node.Metadata;

namespace RaftCache.Node.Tests.Metadata;

/// <summary>The planner's leader spreading, on records shaped like the ones real clusters reached.</summary>
public sealed class PlannerRegressionTests
{
    [Fact]
    public void Leaders_even_out_when_the_greedy_pass_leaves_one_member_two_below_another()
    {
        // A record of the shape bench/run-rebalance.sh reaches after adding member 4 to 3 founders (16 shards, RF 3):
        // every preferred leader is a replica and no move is left, yet a greedy pass leaves leaders at 4/5/4/3,
        // because shard 16 (on 1, 2, 3 only) goes to member 2 after member 4's candidates are used up. Member 4 also holds shards 1, 4,
        // 7 and 10 that member 2 leads, so 4/4/4/4 is possible. Checked: the plan spreads leaders within one, names
        // only replicas, and is a fixed point (planning again on its result changes nothing).
        var placement = new Dictionary<int, ulong[]>
        {
            [1] = [2, 3, 4], [2] = [1, 3, 4], [3] = [1, 2, 4], [4] = [2, 3, 4], [5] = [1, 3, 4], [6] = [1, 2, 4],
            [7] = [2, 3, 4], [8] = [1, 3, 4], [9] = [1, 2, 4], [10] = [2, 3, 4], [11] = [1, 3, 4], [12] = [1, 2, 4],
            [13] = [1, 2, 3], [14] = [1, 2, 3], [15] = [1, 2, 3], [16] = [1, 2, 3],
        };
        var preferred = new Dictionary<int, ulong>
        {
            [2] = 1, [3] = 1, [5] = 1, [6] = 1, [1] = 2, [4] = 2, [7] = 2, [10] = 2, [16] = 2,
            [11] = 3, [13] = 3, [14] = 3, [15] = 3, [8] = 4, [9] = 4, [12] = 4,
        };
        var record = Record(placement, preferred);

        var plan = PlacementPlanner.Compute(record, new HashSet<ulong>(), maxMoves: 2);

        Assert.Empty(plan.Targets);
        Assert.All(plan.PreferredLeaders, p => Assert.Contains(p.Value, placement[p.Key]));
        var counts = plan.PreferredLeaders.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([1UL, 2UL, 3UL, 4UL], counts.Keys.Order());
        Assert.True(counts.Values.Max() - counts.Values.Min() <= 1, string.Join(' ', counts.Select(c => $"{c.Key}:{c.Value}")));
        var again = PlacementPlanner.Compute(record with { PreferredLeaders = plan.PreferredLeaders }, new HashSet<ulong>(), maxMoves: 2);
        Assert.Equal(plan.PreferredLeaders, again.PreferredLeaders);
    }

    [Fact]
    public void Balanced_leaders_are_left_where_they_are()
    {
        // Injected: a settled record (3 members, 6 shards, 2 leaderships each, chosen off the greedy order). Checked:
        // the plan keeps every preferred leader, so a settled cluster never transfers leadership.
        var placement = Enumerable.Range(1, 6).ToDictionary(s => s, _ => new ulong[] { 1, 2, 3 });
        var preferred = new Dictionary<int, ulong> { [1] = 3, [2] = 3, [3] = 2, [4] = 1, [5] = 2, [6] = 1 };

        var plan = PlacementPlanner.Compute(Record(placement, preferred), new HashSet<ulong>(), maxMoves: 2);

        Assert.Equal(preferred.OrderBy(p => p.Key), plan.PreferredLeaders.Select(p => new KeyValuePair<int, ulong>(p.Key, p.Value)));
    }

    private static ClusterRecord Record(Dictionary<int, ulong[]> placement, Dictionary<int, ulong> preferred)
    {
        var members = placement.Values.SelectMany(r => r).Distinct().Order()
            .ToImmutableSortedDictionary(id => id, id => new MemberInfo(id, $"127.0.0.{id}:6001", $"http://127.0.0.{id}:5001", MemberState.Active));
        return new ClusterRecord(1, placement.Count, 3, members, placement.ToImmutableSortedDictionary(p => p.Key, p => p.Value.ToImmutableArray()))
        {
            Revision = 1,
            PreferredLeaders = preferred.ToImmutableSortedDictionary(),
        };
    }
}
