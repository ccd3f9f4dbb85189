// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using RaftCache.Node.Tests.Membership;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>
/// Leaders follow the load on real node processes: the shards whose clients all talk to one member come to be led by
/// it, and spread again over the members once that traffic stops. Writes and lease reads count; linearizable and
/// local reads, which any replica serves, do not.
/// </summary>
public sealed class LoadLeadershipClusterTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("writes")]
    [InlineData("lease reads")]
    public async Task Leaders_move_to_the_member_the_requests_come_through_and_spread_again_when_they_stop(string load)
    {
        // Injected: writes, or lease reads, of every shard through node 1 only (4 clients, bounded by 60 s and 200,000
        // requests), on a balanced 3-node cluster (4 shards) counting load over 1 s windows. Checked: node 1 comes to
        // lead every shard; the shards preferred on other members were handed over by the load rule
        // (raftcache_load_leader_transfers_total);
        // every acknowledged write reads back with its last value; once the requests stop, leader counts are within one
        // of each other again (the placement's preferred leaders).
        await using var cluster = await TestCluster.StartAsync(3, "--load-window-seconds", "1");
        // Balanced first: a leadership still moving to its preferred member would move without any load.
        await cluster.WaitBalancedAsync(cluster.Nodes, replicationFactor: 3, Bound);
        var entry = cluster.Node(1);
        var before = await LeadersAsync(cluster, entry);
        // Shards whose preferred leader is another member reach node 1 only by the load rule; balancing may move
        // a shard preferred on node 1 there by itself.
        var member = await cluster.Http.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri(entry.Url, "/admin/members/1"));
        var preferredHere = member.GetProperty("preferred_leader_of").GetArrayLength();
        var elsewhere = before.Count - preferredHere;
        Assert.True(elsewhere > 0, "balanced leaders prefer another member for some shard");

        using var stop = new CancellationTokenSource(Bound);
        var acknowledged = new ConcurrentDictionary<string, string>();
        var budget = 200_000;
        var clients = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested && Interlocked.Decrement(ref budget) >= 0; i++)
            {
                var key = $"load-{w}-{i % 64}";
                if (load == "writes")
                {
                    var value = $"v{i}";
                    using var put = await cluster.Http.PutAsync(new Uri(entry.Url, "/keys/" + key), new StringContent(value));
                    if (put.StatusCode == HttpStatusCode.OK) acknowledged[key] = value;
                }
                else
                {
                    using var get = await cluster.Http.GetAsync(new Uri(entry.Url, $"/keys/{key}?consistency=lease"));
                    Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
                }
            }
        })).ToArray();

        var last = before;
        try
        {
            await cluster.WaitAsync(async () => (last = await LeadersAsync(cluster, entry)).Values.All(l => l == 1), Bound, () => Describe(last));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        var transfers = 0L;
        foreach (var node in cluster.Nodes.Where(n => n.Id != 1)) transfers += await TransfersAsync(cluster, node);
        Assert.True(transfers >= elsewhere, $"{transfers} load hand-overs counted for {elsewhere} shards preferred elsewhere");
        foreach (var (key, value) in acknowledged)
            Assert.Contains(value, await cluster.Http.GetStringAsync(new Uri(entry.Url, "/keys/" + key)), StringComparison.Ordinal);

        await cluster.WaitAsync(async () =>
        {
            last = await LeadersAsync(cluster, entry);
            var counts = cluster.Nodes.Select(n => last.Values.Count(l => l == (ulong)n.Id)).ToArray();
            return counts.Max() - counts.Min() <= 1;
        }, Bound, () => Describe(last));
    }

    private static async Task<Dictionary<int, ulong>> LeadersAsync(TestCluster cluster, NodeProcess node)
    {
        var view = await cluster.ClusterViewAsync(node);
        return view.GetProperty("shards").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetInt32(), s => s.GetProperty("leader").GetUInt64());
    }

    private static string Describe(Dictionary<int, ulong> leaders) => string.Join(", ", leaders.OrderBy(l => l.Key).Select(l => $"shard {l.Key} led by {l.Value}"));

    private static async Task<long> TransfersAsync(TestCluster cluster, NodeProcess node)
    {
        var text = await cluster.Http.GetStringAsync(new Uri(node.Url, "/metrics"));
        var line = text.Split('\n').Single(l => l.StartsWith("raftcache_load_leader_transfers_total{", StringComparison.Ordinal));
        return long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
