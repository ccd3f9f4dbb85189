// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using RaftCache.Node.Api;
using RaftCache.Node.Hosting;
using RaftCache.Node.Sharding;
using RaftCache.Resp;

namespace RaftCache.Node.Resp;

/// <summary>What INFO, DBSIZE, SCAN, FLUSHALL and cluster mode need: shards, leaders, local replicas.</summary>
public sealed partial class NodeRespBackend
{
    public int SlotOfKey(ReadOnlySpan<byte> key) => HashSlots.SlotOf(key);

    public IReadOnlyList<byte[]>? ListKeys(int shard, byte[]? after, int limit) =>
        node.ListKeys(shard, after ?? [], after is not null, limit)?.Entries.Select(e => e.Key.ToArray()).ToArray();

    public Task<(bool Done, string? Error)> FlushAllAsync(RespCaller caller, CancellationToken cancellationToken) =>
        forwarder.FlushAllAsync(caller, cancellationToken);

    /// <summary>
    /// Shards with their slot ranges, leader and replicas. A member's RESP address is learned from its internal
    /// endpoint and cached; a member not yet known is left out (its shard is then served by proxying).
    /// </summary>
    public IReadOnlyList<RespShard> Shards()
    {
        var record = node.Cluster;
        var shards = new List<RespShard>(node.Shards.ShardCount);
        for (var id = 1; id <= node.Shards.ShardCount; id++)
        {
            var (first, last) = node.Shards.SlotRange(id);
            var leaderId = LeaderOf(id, record);
            var placement = record.Placement.GetValueOrDefault(id, []);
            var replicas = placement.Select(forwarder.AddressOf).OfType<RespNodeAddress>().ToArray();
            var leader = leaderId == 0 ? null : forwarder.AddressOf(leaderId);
            shards.Add(new RespShard(id, first, last, leader, replicas, placement.Length));
        }

        return shards;
    }

    /// <summary>
    /// <see cref="Shards"/> once every shard has a leader whose RESP address is known, or what is known when the
    /// request timeout is over (or the connection ends).
    /// </summary>
    public async Task<IReadOnlyList<RespShard>> ShardsAsync(CancellationToken cancellationToken)
    {
        // A follower forgets its shard's leader while it campaigns, and one heartbeat that comes late on a loaded
        // machine is enough for that; the leader's next heartbeat restores it. A shard without a leader is left out of
        // the answer, and a cluster-aware client that reads the topology only once (redis-benchmark --cluster) would
        // then never send that shard's slots anywhere. So the answer waits for the leaders as a write does: looked up
        // again every retry interval until the request timeout.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Next());
        try
        {
            while (true)
            {
                await forwarder.LearnAddressesAsync(wait.Token);
                var shards = Shards();
                if (shards.All(shard => shard.Leader is not null)) return shards;
                await Task.Delay(CacheNode.RetryInterval, time, wait.Token);
            }
        }
        catch (OperationCanceledException)
        {
            return Shards();
        }
    }

    private ulong LeaderOf(int shard, Metadata.ClusterRecord record)
    {
        var route = node.RouteOf(shard, isWrite: true, Requests.ReadConsistency.Linearizable);
        if (route.Kind == RouteKind.Local) return node.NodeId;
        if (route.Kind != RouteKind.Forward) return 0;
        var url = route.Leader!.ToString().TrimEnd('/');
        return record.Members.Values.FirstOrDefault(m => m.RestUrl?.TrimEnd('/') == url)?.Id ?? 0;
    }

    public async Task<IReadOnlyDictionary<int, long>> LocalKeyCountsAsync() =>
        (await node.ReplicaStatusAsync(withStateHash: false)).Where(r => r.GroupId != 0).ToDictionary(r => (int)r.GroupId, r => r.Keys);

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> InfoAsync()
    {
        var replicas = await node.ReplicaStatusAsync(withStateHash: false);
        var lines = new List<KeyValuePair<string, string>>
        {
            new("raftcache_node_id", node.NodeId.ToString(CultureInfo.InvariantCulture)),
            new("raftcache_shards", node.Shards.ShardCount.ToString(CultureInfo.InvariantCulture)),
            new("raftcache_shards_led", replicas.Count(r => r.GroupId != 0 && r.Raft.SoftState.Role == Raft.RaftRole.Leader).ToString(CultureInfo.InvariantCulture)),
            new("raftcache_used_bytes", replicas.Where(r => r.GroupId != 0).Sum(r => r.Bytes).ToString(CultureInfo.InvariantCulture)),
        };
        foreach (var replica in replicas.Where(r => r.GroupId != 0).OrderBy(r => r.GroupId))
        {
            lines.Add(new($"raftcache_shard{replica.GroupId}", string.Create(CultureInfo.InvariantCulture,
                $"role={replica.Raft.SoftState.Role.ToString().ToLowerInvariant()},leader={replica.Raft.SoftState.Leader},term={replica.Raft.HardState.Term},commit={replica.Raft.HardState.Commit},applied={replica.Raft.Applied},keys={replica.Keys},bytes={replica.Bytes}")));
        }

        return lines;
    }
}
