// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using StackExchange.Redis;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>Cluster mode: StackExchange.Redis learns the shard leaders from CLUSTER NODES/SLOTS and routes each key itself.</summary>
public sealed class ClusterModeTests(RespClusterMode fixture) : IClassFixture<RespClusterMode>
{
    /// <summary>Polls until every node's CLUSTER SLOTS covers all 16,384 slots (members learn each other's RESP addresses).</summary>
    private async Task WaitForFullSlotMapAsync()
    {
        foreach (var node in fixture.Cluster.Nodes)
        {
            await using var raw = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(node));
            await raw.CallAsync("AUTH", fixture.AdminKey);
            var last = "";
            await fixture.Cluster.WaitAsync(async () => SlotsCovered(last = await raw.CallAsync("CLUSTER", "SLOTS")) == 16384, TimeSpan.FromSeconds(30), () => last);
        }
    }

    internal static int SlotsCovered(string reply) =>
        reply.Split("[", StringSplitOptions.RemoveEmptyEntries).Select(part => part.Split(", ").Select(x => x.TrimStart(':')).ToArray()).Where(p => p.Length >= 2 && int.TryParse(p[0], out _) && int.TryParse(p[1], out _))
            .Sum(p => int.Parse(p[1]) - int.Parse(p[0]) + 1);

    private async Task<ConnectionMultiplexer> ConnectAllAsync()
    {
        var options = new ConfigurationOptions { Password = fixture.AdminKey, AllowAdmin = true, ConnectTimeout = 10_000, SyncTimeout = 10_000, AsyncTimeout = 10_000 };
        foreach (var node in fixture.Cluster.Nodes) options.EndPoints.Add(RespCluster.EndpointOf(node));
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    [Fact]
    public async Task StackExchange_redis_sees_a_cluster_and_routes_every_key_to_its_leader()
    {
        await WaitForFullSlotMapAsync();
        await using var redis = await ConnectAllAsync();
        Assert.Equal(ServerType.Cluster, redis.GetServer(redis.GetEndPoints()[0]).ServerType);
        var db = redis.GetDatabase();
        for (var i = 0; i < 100; i++) Assert.True(await db.StringSetAsync($"cm:{i}", i));
        for (var i = 0; i < 100; i++) Assert.Equal(i, (int)await db.StringGetAsync($"cm:{i}"));
        Assert.Equal(3, await db.StringIncrementAsync("{tag}n", 3));
        Assert.True(await db.StringSetAsync([new("{tag}a", "1"), new("{tag}b", "2")]));
        Assert.Equal(["1", "2"], (await db.StringGetAsync(["{tag}a", "{tag}b"])).Select(v => (string?)v));
    }

    [Fact]
    public async Task A_key_sent_to_a_node_that_does_not_lead_its_shard_gets_moved_and_cross_slot_commands_are_refused()
    {
        await WaitForFullSlotMapAsync();
        await using var raw = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(fixture.Cluster.Node(1)));
        await raw.CallAsync("AUTH", fixture.AdminKey);
        var slot = int.Parse((await raw.CallAsync("CLUSTER", "KEYSLOT", "somekey")).TrimStart(':'));
        Assert.Equal(11058, slot); // Redis's own CRC16 slot of "somekey"
        var clients = new List<RawRespClient>();
        var nodes = fixture.Cluster.Nodes.ToList(); // clients[i] talks to nodes[i]
        foreach (var node in nodes)
        {
            var client = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(node));
            await client.CallAsync("AUTH", fixture.AdminKey);
            clients.Add(client);
        }

        for (var i = 0; i < 20; i++)
        {
            // Exactly one node (the shard leader) takes the write; the others point at it with MOVED slot host:port.
            // A node that does not know the leader yet (leaderships still settling after start) proxies instead, and a
            // leadership that moves between two of the three answers (a loaded machine) leaves a MOVED to the old
            // leader beside the new one's +OK: poll until one round agrees. A wrong MOVED never does, and times out.
            var keySlot = (await raw.CallAsync("CLUSTER", "KEYSLOT", $"mv:{i}")).TrimStart(':');
            var replies = new List<string>();
            await fixture.Cluster.WaitAsync(async () =>
            {
                replies.Clear();
                foreach (var client in clients) replies.Add(await client.CallAsync("SET", $"mv:{i}", "v"));
                var leader = replies.IndexOf("+OK");
                return replies.Count(r => r == "+OK") == 1
                    && replies.Where((_, n) => n != leader).All(r => r == $"-MOVED {keySlot} {RespCluster.EndpointOf(nodes[leader])}");
            }, TimeSpan.FromSeconds(15), () => string.Join(" | ", replies));
        }

        foreach (var client in clients) await client.DisposeAsync();
        Assert.StartsWith("-CROSSSLOT", await raw.CallAsync("MGET", "a", "b"));
        Assert.StartsWith("[cluster_enabled:1", "[" + await raw.CallAsync("CLUSTER", "INFO"));
        Assert.Contains("myself,", await raw.CallAsync("CLUSTER", "NODES"));
        Assert.StartsWith("[[slots,", await raw.CallAsync("CLUSTER", "SHARDS"));
    }
}
