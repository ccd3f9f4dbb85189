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
/// a replica on a member that is down (for longer than the configured time), leaving or gone is replaced, as long
/// as the shard keeps a replica on a member that is not down (even when every replica is on a leaving member);
/// a shard with fewer replicas than the replication factor gets one more; a shard with more loses the surplus
/// (never below the factor, and a replica on a live member only when it is surplus); otherwise a replica moves
/// from the most to the least loaded member when they differ by more than one. At most
/// <c>maxMoves</c> shards are in motion at once, and a move towards a member that went down is abandoned.
/// </remarks>
public static class PlacementPlanner
{
    public sealed record Plan(
        ImmutableSortedDictionary<int, ImmutableArray<ulong>> Targets,
        ImmutableSortedDictionary<int, ulong> PreferredLeaders);

    public static Plan Compute(ClusterRecord record, IReadOnlySet<ulong> down, int maxMoves)
    {
        var candidates = record.Members.Values
            .Where(m => m.State == MemberState.Active && !down.Contains(m.Id))
            .Select(m => m.Id).Order().ToArray();
        var usable = candidates.ToHashSet();
        // Members that can still take part in a move off them (a leaving member keeps voting until it is moved off).
        var reachable = record.Members.Keys.Where(id => !down.Contains(id)).ToHashSet();
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
                if (Decide(placement, usable, reachable, load, record.ReplicationFactor) is { } target) targets[shard] = target;
            }
        }

        var finalTargets = targets.ToImmutable();
        return new Plan(finalTargets, Leaders(record, finalTargets, usable, candidates));
    }

    private static ImmutableArray<ulong>? Decide(ImmutableArray<ulong> current, HashSet<ulong> usable, HashSet<ulong> reachable, Dictionary<ulong, int> load, int replicationFactor)
    {
        var good = current.Where(usable.Contains).ToList();
        var bad = current.Where(r => !usable.Contains(r)).ToList();
        var spare = load.Keys.Where(c => !current.Contains(c)).OrderBy(c => load[c]).ThenBy(c => c).ToList();

        // A shard whose replicas all sit on leaving members must still move, or their drains never finish; one
        // with no reachable replica at all cannot change its configuration, so a move there would only hold a slot.
        if (bad.Count > 0 && spare.Count > 0 && current.Any(reachable.Contains))
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

    // Leaders spread evenly: every shard keeps its preferred leader while that member is a live replica, else
    // takes its live replica leading fewest shards; then, while some member leads two or more shards more than
    // another, leaderships are shifted along a chain of shards (each handed to another of its replicas) from a
    // most loaded member to one that can take one more. The chain search is what makes "within one" reachable
    // when no single shard can be handed over directly. Settled leaders move only as much as balance needs.
    private static ImmutableSortedDictionary<int, ulong> Leaders(ClusterRecord record, ImmutableSortedDictionary<int, ImmutableArray<ulong>> targets, HashSet<ulong> usable, ulong[] candidates)
    {
        if (candidates.Length == 0) return ImmutableSortedDictionary<int, ulong>.Empty;
        var replicasOf = record.Placement
            .Select(p => (Shard: p.Key, Replicas: (targets.TryGetValue(p.Key, out var target) ? target.Intersect(p.Value) : p.Value).Where(usable.Contains).Order().ToArray()))
            .Where(p => p.Replicas.Length > 0)
            .ToDictionary(p => p.Shard, p => p.Replicas);
        var count = candidates.ToDictionary(c => c, _ => 0);
        var leaders = new SortedDictionary<int, ulong>();
        foreach (var (shard, replicas) in replicasOf)
        {
            var chosen = record.PreferredLeaders.TryGetValue(shard, out var preferred) && replicas.Contains(preferred)
                ? preferred
                : replicas.OrderBy(r => count[r]).ThenBy(r => r).First();
            count[chosen]++;
            leaders[shard] = chosen;
        }
        // Each shift lowers the number of members at the maximum or the maximum itself: bounded by shards × members.
        for (var guard = replicasOf.Count * candidates.Length; guard > 0 && ShiftOne(leaders, replicasOf, count); guard--)
        {
        }
        return leaders.ToImmutableSortedDictionary();
    }

    private static bool ShiftOne(SortedDictionary<int, ulong> leaders, Dictionary<int, ulong[]> replicasOf, Dictionary<ulong, int> count)
    {
        var max = count.Values.Max();
        var parent = new Dictionary<ulong, (ulong From, int Shard)>();
        var queue = new Queue<ulong>(count.Where(c => c.Value == max).Select(c => c.Key).Order());
        var seen = queue.ToHashSet();
        while (queue.TryDequeue(out var member))
        {
            foreach (var (shard, leader) in leaders)
            {
                if (leader != member) continue;
                foreach (var other in replicasOf[shard])
                {
                    if (!seen.Add(other)) continue;
                    parent[other] = (member, shard);
                    if (count[other] <= max - 2)
                    {
                        // Hand each shard on the chain to the next member: only the two ends change their counts.
                        count[other]++;
                        for (var at = other; parent.TryGetValue(at, out var step); at = step.From) leaders[step.Shard] = at;
                        var source = other;
                        while (parent.TryGetValue(source, out var step)) source = step.From;
                        count[source]--;
                        return true;
                    }
                    queue.Enqueue(other);
                }
            }
        }
        return false;
    }
}
