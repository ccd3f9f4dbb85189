// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Node.Metadata;

namespace RaftCache.Node.Tests.Metadata;

/// <summary>Records to plan on, and a loop that carries plans out the way shard leaders do (a move completes whole).</summary>
internal static class PlannerFixtures
{
    public static ClusterRecord Founded(int members, int shards, int replicationFactor)
    {
        var ids = Enumerable.Range(1, members).Select(i => (ulong)i).ToArray();
        return new ClusterRecord(
            42, shards, replicationFactor,
            ids.ToImmutableSortedDictionary(i => i, i => new MemberInfo(i, $"127.0.0.1:{6000 + i}", $"http://127.0.0.1:{5000 + i}", MemberState.Active)),
            Placement.Initial(ids, shards, replicationFactor));
    }

    public static ClusterRecord WithMember(this ClusterRecord record, ulong id, MemberState state = MemberState.Active) =>
        record with { Members = record.Members.SetItem(id, new MemberInfo(id, $"127.0.0.1:{6000 + id}", null, state)) };

    /// <summary>
    /// Plans and completes moves until the planner is content. Checks at every round that no more than
    /// <paramref name="maxMoves"/> shards move and that each move changes one replica at a time.
    /// </summary>
    public static (ClusterRecord Record, int Rounds) Settle(ClusterRecord record, IReadOnlySet<ulong> down, int maxMoves, int maxRounds = 200)
    {
        for (var round = 1; round <= maxRounds; round++)
        {
            var plan = PlacementPlanner.Compute(record, down, maxMoves);
            Assert.True(plan.Targets.Count <= maxMoves, $"round {round}: {plan.Targets.Count} shards moving, limit {maxMoves}");
            foreach (var (shard, target) in plan.Targets)
            {
                var current = record.Placement[shard];
                Assert.True(current.Except(target).Count() <= 1 && target.Except(current).Count() <= 1, $"shard {shard}: [{string.Join(',', current)}] -> [{string.Join(',', target)}] changes more than one replica");
                Assert.Equal(target.Length, target.Distinct().Count());
            }
            record = record with { Targets = plan.Targets, PreferredLeaders = plan.PreferredLeaders };
            if (plan.Targets.IsEmpty) return (record, round);
            record = record with
            {
                Placement = record.Placement.SetItems(plan.Targets),
                Targets = ImmutableSortedDictionary<int, ImmutableArray<ulong>>.Empty,
            };
        }
        throw new InvalidOperationException($"no fixpoint within {maxRounds} rounds");
    }

    public static Dictionary<ulong, int> ReplicaCounts(ClusterRecord record, IEnumerable<ulong> members) =>
        members.ToDictionary(m => m, m => record.Placement.Values.Count(p => p.Contains(m)));

    public static Dictionary<ulong, int> LeaderCounts(ClusterRecord record, IEnumerable<ulong> members) =>
        members.ToDictionary(m => m, m => record.PreferredLeaders.Values.Count(l => l == m));
}
