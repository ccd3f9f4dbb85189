// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;

namespace RaftCache.Node.Metadata;

/// <summary>Initial placement of shard replicas: round-robin over the founding members in id order, so every founder computes the same map.</summary>
public static class Placement
{
    public static ImmutableSortedDictionary<int, ImmutableArray<ulong>> Initial(IReadOnlyList<ulong> members, int shardCount, int replicationFactor)
    {
        var sorted = members.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no members", nameof(members));
        var replicas = Math.Min(replicationFactor, sorted.Length);
        var builder = ImmutableSortedDictionary.CreateBuilder<int, ImmutableArray<ulong>>();
        for (var shard = 1; shard <= shardCount; shard++)
        {
            var start = (shard - 1) % sorted.Length;
            builder[shard] = Enumerable.Range(0, replicas).Select(k => sorted[(start + k) % sorted.Length]).Order().ToImmutableArray();
        }
        return builder.ToImmutable();
    }

    /// <summary>A cluster id all founders derive alike from the founding members (FNV-1a over "id=address" in id order).</summary>
    public static ulong ClusterIdOf(IEnumerable<(ulong Id, string PeerAddress)> founders)
    {
        var hash = 14695981039346656037UL;
        foreach (var (id, address) in founders.OrderBy(f => f.Id))
        {
            foreach (var c in $"{id}={address};")
            {
                hash ^= c;
                hash *= 1099511628211UL;
            }
        }
        return hash == 0 ? 1 : hash;
    }
}
