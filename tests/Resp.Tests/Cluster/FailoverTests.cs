// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net.Http.Json;
using RaftCache.Node.Tests.Cluster;
using StackExchange.Redis;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>A shard leader killed under a StackExchange.Redis write load: no acknowledged SET is lost, the client goes on.</summary>
public sealed class FailoverTests
{
    [Fact]
    public async Task Killing_a_leader_under_load_loses_no_acknowledged_set_and_the_client_recovers()
    {
        await using var cluster = await TestCluster.StartAsync(3, "--resp-listen", $":{RespCluster.Port}", "--request-timeout-ms", "4000");
        var options = new ConfigurationOptions
        {
            EndPoints = { RespCluster.EndpointOf(cluster.Node(1)) }, Password = TestCluster.AdminKey, SyncTimeout = 10_000, AsyncTimeout = 10_000,
        };
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();

        // The victim leads a shard and is not the node the client talks to; when node 1 happens to lead every shard,
        // one leadership is moved to node 2 first (an admin transfer), so there always is such a leader.
        NodeProcess? victim = null;
        for (var shard = 1; shard <= 4 && victim is null; shard++)
        {
            var leader = await cluster.LeaderOfAsync(shard);
            if (leader != cluster.Node(1)) victim = leader;
        }
        if (victim is null)
        {
            using var transfer = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Node(1).Url, "/admin/shards/1/transfer-leader"), new { to = "2" });
            transfer.EnsureSuccessStatusCode();
            await cluster.WaitAsync(async () => await cluster.LeaderOfAsync(1) == cluster.Node(2), TimeSpan.FromSeconds(15));
            victim = cluster.Node(2);
        }
        const int Keys = 40;
        const int Rounds = 30;
        var acknowledged = new long[Keys];
        var errors = 0;
        for (var round = 1; round <= Rounds; round++)
        {
            if (round == Rounds / 3) victim!.Kill();
            var writes = Enumerable.Range(0, Keys).Select(k => db.StringSetAsync($"fo:{k}", round)).ToArray();
            for (var k = 0; k < Keys; k++)
            {
                try
                {
                    if (await writes[k]) acknowledged[k] = round;
                }
                catch (RedisServerException e) when (e.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal))
                {
                    errors++; // not acknowledged: the client may retry; the promise covers acknowledged writes only
                }
            }
        }

        // The last rounds ran after the new leaders were elected: the client recovered on its own connection.
        Assert.All(acknowledged, round => Assert.Equal(Rounds, round));
        for (var k = 0; k < Keys; k++)
        {
            var stored = (long)await db.StringGetAsync($"fo:{k}");
            Assert.True(stored >= acknowledged[k], $"fo:{k} holds {stored}, but round {acknowledged[k]} was acknowledged");
        }
    }
}
