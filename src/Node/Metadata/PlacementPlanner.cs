// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;

namespace RaftCache.Node.Metadata;

/// <summary>
/// Decides where shard replicas and leaders should be (the placement controller's brain). Pure and
/// deterministic: the metadata leader runs it on its record and the members it currently sees down, and
/// proposes the result only when it differs. Each shard's leader then carries out its own target, one
/// configuration change at a time (learner, catch-up, joint swap), so this only ever says where, never how.
/// </summary>
/// <remarks>
/// Rules, in priority order for every shard that is not already being changed:
/// a replica on a member that is down (for longer than the configured time), leaving or gone is replaced;
/// a shard with fewer replicas than the replication factor gets one more; a shard with more loses the surplus
/// (never below the factor, and a replica on a live member only when it is surplus); otherwise a replica moves
/// from the most to the least loaded member when they differ by more than one. At most
/// <c>maxMoves</c> shards are in motion at once, and a move towards a member that went down is abandoned.
/// </remarks>
public static class PlacementPlanner
{
    private const int NoShard = -1;

    public sealed record Plan(
        ImmutableSortedDictionary<int, ImmutableArray<ulong>> Targets,
        ImmutableSortedDictionary<int, ulong> PreferredLeaders);

    public static Plan Compute(ClusterRecord record, IReadOnlySet<ulong> down, int maxMoves)
    {
        var candidates = record.Members.Values
            .Where(m => m.State == MemberState.Active && !down.Contains(m.Id))
            .Select(m => m.Id).Order().ToArray();
        var usable = candidates.ToHashSet();
        var targets = ImmutableSortedDictionary.CreateBuilder<int, ImmutableArray<ulong>>();
        var load = candidates.ToDictionary(c => c, _ => 0);

        // Moves in flight stay, unless they head for a member that can no longer take the replica.
        foreach (var (shard, target) in record.Targets)
        {
            var placement = record.Placement.GetValueOrDefault(shard, ImmutableArray<ulong>.Empty);
            if (target.Order().SequenceEqual(placement.Order())) continue;
            if (target.Except(placement).All(usable.Contains)) targets[shard] = target;
        }
        foreach (var (shard, placement) in record.Placement)
        {
            foreach (var replica in targets.TryGetValue(shard, out var t) ? t : placement)
            {
                if (load.ContainsKey(replica)) load[replica]++;
            }
        }

        if (candidates.Length > 0)
        {
            foreach (var (shard, placement) in record.Placement)
            {
                if (targets.Count >= maxMoves) break;
                if (targets.ContainsKey(shard)) continue;
                if (Decide(placement, usable, load, record.ReplicationFactor) is { } target) targets[shard] = target;
            }
        }

        var finalTargets = targets.ToImmutable();
        return new Plan(finalTargets, Leaders(record, finalTargets, usable, candidates));
    }

    private static ImmutableArray<ulong>? Decide(ImmutableArray<ulong> current, HashSet<ulong> usable, Dictionary<ulong, int> load, int replicationFactor)
    {
        var good = current.Where(usable.Contains).ToList();
        var bad = current.Where(r => !usable.Contains(r)).ToList();
        var spare = load.Keys.Where(c => !current.Contains(c)).OrderBy(c => load[c]).ThenBy(c => c).ToList();

        if (bad.Count > 0 && spare.Count > 0 && good.Count > 0)
            return Move(current, bad[0], spare[0], load);
        if (current.Length < replicationFactor && spare.Count > 0)
            return Add(current, spare[0], load);
        if (current.Length > replicationFactor)
        {
            // Surplus: drop an unusable replica first, else the most loaded live one; never below the factor.
            var drop = bad.Count > 0 ? bad[0] : good.OrderByDescending(r => load[r]).ThenByDescending(r => r).First();
            if (load.ContainsKey(drop)) load[drop]--;
            return current.Remove(drop);
        }
        if (bad.Count > 0 || spare.Count == 0) return null;
        var busiest = good.OrderByDescending(r => load[r]).ThenBy(r => r).First();
        return load[busiest] - load[spare[0]] > 1 ? Move(current, busiest, spare[0], load) : null;
    }

    private static ImmutableArray<ulong> Move(ImmutableArray<ulong> current, ulong from, ulong to, Dictionary<ulong, int> load)
    {
        if (load.ContainsKey(from)) load[from]--;
        load[to]++;
        return current.Remove(from).Add(to).Order().ToImmutableArray();
    }

    private static ImmutableArray<ulong> Add(ImmutableArray<ulong> current, ulong to, Dictionary<ulong, int> load)
    {
        load[to]++;
        return current.Add(to).Order().ToImmutableArray();
    }

    // Leaders spread evenly: first every shard keeps its preferred leader while that member is a live replica
    // leading fewer than its fair share (shards / members, rounded down), so settled leaders do not move; then
    // each remaining shard goes to its live replica leading fewest shards. Leader counts end within one of each
    // other whenever the replicas allow it.
    private static ImmutableSortedDictionary<int, ulong> Leaders(ClusterRecord record, ImmutableSortedDictionary<int, ImmutableArray<ulong>> targets, HashSet<ulong> usable, ulong[] candidates)
    {
        var leaders = ImmutableSortedDictionary.CreateBuilder<int, ulong>();
        if (candidates.Length == 0) return leaders.ToImmutable();
        var replicasOf = record.Placement.ToDictionary(
            p => p.Key,
            p => (targets.TryGetValue(p.Key, out var target) ? target.Intersect(p.Value) : p.Value).Where(usable.Contains).Order().ToArray());
        var share = replicasOf.Count(r => r.Value.Length > 0) / candidates.Length;
        var count = candidates.ToDictionary(c => c, _ => 0);
        foreach (var (shard, replicas) in replicasOf)
        {
            if (record.PreferredLeaders.TryGetValue(shard, out var preferred) && replicas.Contains(preferred) && count[preferred] < share)
            {
                count[preferred]++;
                leaders[shard] = preferred;
            }
        }
        foreach (var (shard, replicas) in replicasOf)
        {
            if (replicas.Length == 0 || leaders.ContainsKey(shard)) continue;
            record.PreferredLeaders.TryGetValue(shard, out var preferred);
            var chosen = replicas.OrderBy(r => count[r]).ThenBy(r => r == preferred ? 0 : 1).ThenBy(r => r).First();
            count[chosen]++;
            leaders[shard] = chosen;
        }
        Even(leaders, replicasOf, count);
        return leaders.ToImmutable();
    }

    // The passes above can strand a member below its share when the shards it could lead went to others first
    // (bench/run-rebalance.sh: 16 shards on 4 members settled at 4/5/4/3 though 4/4/4/4 was possible). While counts
    // differ by more than one, hand leaderships along a chain of shards (each led by one member, held by the next)
    // from a most loaded member to one at least two below it. Every step lowers the sum of squared counts, so this
    // ends; it changes nothing when counts are already within one, so a settled plan stays put.
    private static void Even(ImmutableSortedDictionary<int, ulong>.Builder leaders, Dictionary<int, ulong[]> replicasOf, Dictionary<ulong, int> count)
    {
        for (var step = 0; step < leaders.Count * count.Count; step++)
        {
            var max = count.Values.Max();
            if (max - count.Values.Min() <= 1) return;
            // Breadth-first from the most loaded members; cameFrom[member] = (shard it would take over, its current leader).
            var cameFrom = new Dictionary<ulong, (int Shard, ulong From)>();
            var queue = new Queue<ulong>(count.Where(c => c.Value == max).Select(c => c.Key).Order());
            foreach (var m in queue) cameFrom[m] = (NoShard, 0);
            ulong found = 0;
            while (queue.Count > 0 && found == 0)
            {
                var member = queue.Dequeue();
                foreach (var shard in leaders.Where(l => l.Value == member).Select(l => l.Key))
                {
                    foreach (var next in replicasOf[shard].Where(r => r != member && !cameFrom.ContainsKey(r)))
                    {
                        cameFrom[next] = (shard, member);
                        if (count[next] <= max - 2)
                        {
                            found = next;
                            break;
                        }
                        queue.Enqueue(next);
                    }
                    if (found != 0) break;
                }
            }
            if (found == 0) return;
            var start = found;
            while (cameFrom[start].Shard != NoShard) start = cameFrom[start].From;
            for (var at = found; cameFrom[at].Shard != NoShard; at = cameFrom[at].From) leaders[cameFrom[at].Shard] = at;
            count[found]++;
            count[start]--;
        }
    }
}
