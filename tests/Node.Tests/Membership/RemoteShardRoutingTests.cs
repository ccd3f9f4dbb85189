// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using RaftCache.Node.Sharding;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Membership;

/// <summary>
/// Requests through a member that holds no replica of their shard, which every member beyond the replication factor
/// has: they must reach the shard's leader without backing off, not once per request.
/// </summary>
public sealed class RemoteShardRoutingTests
{
    private const int Writes = 20;

    [Fact]
    public async Task Writes_through_a_member_without_a_replica_go_straight_to_the_leader()
    {
        // Injected: a fourth member added to a 3-node cluster (4 shards, RF 3), so each member holds 3 of the 4 shards.
        // Checked: 20 writes through a founder to the shard it does not hold are acknowledged and read back; none of
        // them backed off before reaching the leader, and at most the first was sent to a follower (which names the
        // leader, followed at once): raftcache_request_reroutes_total. Before the founder remembered the leader, each
        // request went to a random holder and, two times in three, waited 50 ms after that holder's "not here".
        await using var cluster = await TestCluster.StartAsync(3);
        var members = cluster.Nodes.ToList();
        var (fourth, _) = await cluster.AddNodeAsync(cluster.Node(1));
        members.Add(fourth);
        await cluster.WaitBalancedAsync(members, replicationFactor: 3, TimeSpan.FromSeconds(90));

        var entry = cluster.Node(1);
        var view = await cluster.ClusterViewAsync(entry);
        var remote = view.GetProperty("shards").EnumerateArray().Single(s => s.GetProperty("configuration").ValueKind == JsonValueKind.Null).GetProperty("id").GetInt32();
        var shards = new ShardMap(4);
        var keys = Enumerable.Range(0, 1_000).Select(i => "remote-" + i.ToString(CultureInfo.InvariantCulture))
            .Where(k => shards.ShardOfKey(Encoding.UTF8.GetBytes(k)) == remote).Take(Writes).ToArray();
        Assert.Equal(Writes, keys.Length);

        var before = await ReroutesAsync(cluster, entry);
        foreach (var key in keys)
        {
            using var put = await cluster.Http.PutAsync(new Uri(entry.Url, "/keys/" + key), new StringContent("value-" + key));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        var after = await ReroutesAsync(cluster, entry);

        Assert.Equal(before.Waited, after.Waited);
        Assert.True(after.AtOnce - before.AtOnce <= 1, $"{after.AtOnce - before.AtOnce} of {Writes} writes were sent to a follower first");
        foreach (var key in keys) Assert.Contains("value-" + key, await cluster.Http.GetStringAsync(new Uri(entry.Url, "/keys/" + key)), StringComparison.Ordinal);
    }

    private static async Task<(long Waited, long AtOnce)> ReroutesAsync(TestCluster cluster, NodeProcess node)
    {
        var text = await cluster.Http.GetStringAsync(new Uri(node.Url, "/metrics"));
        long waited = 0, atOnce = 0;
        var series = 0;
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("raftcache_request_reroutes_total{", StringComparison.Ordinal)))
        {
            series++;
            var count = long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            if (line.Contains("waited=\"true\"", StringComparison.Ordinal)) waited += count;
            else atOnce += count;
        }
        Assert.Equal(2, series); // both exported from the start: a missing counter must not read as zero reroutes
        return (waited, atOnce);
    }
}
