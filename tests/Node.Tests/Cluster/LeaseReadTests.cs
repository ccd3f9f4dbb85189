// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using RaftCache.Node.Tests.Membership;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>consistency=lease on real node processes: served by the leader from its lease, and linearizable.</summary>
public sealed partial class LeaseReadTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Lease_reads_through_every_node_stay_linearizable_under_writes_and_leader_transfers()
    {
        // One shard, so every node holds a replica: lease reads at the leader are served from its lease, at a
        // follower after a read index the leader gives from its lease. Each transfer ends a lease (the old leader
        // stops leading, the new one earns its own); the history of every key must stay linearizable across them.
        await using var cluster = await TestCluster.StartAsync(3, "--shards", "1");
        var leader = await cluster.LeaderOfAsync(1);
        await using var load = new RegisterLoad(() => cluster.Nodes, clients: 6, keys: 8, consistency: "lease");

        await LeaderRotation.RotateAsync(cluster, load, leader, Settle);

        var (operations, acknowledged) = await load.StopAndCheckAsync(cluster.Nodes);
        Assert.True(acknowledged > 100, $"only {acknowledged} writes were acknowledged in {operations} operations");
    }

    [Fact]
    public async Task A_leader_answers_lease_reads_without_a_read_index_round_each()
    {
        // Sequential reads at the leader: each linearizable one needs its own ReadIndex confirmation (a heartbeat
        // round); lease reads are answered from the lease, which one confirmation renews for many reads.
        const int reads = 100;
        await using var cluster = await TestCluster.StartAsync(3, "--shards", "1");
        var leader = await cluster.LeaderOfAsync(1);
        using (var put = await cluster.Http.PutAsync(new Uri(leader.Url, "/keys/lease-probe"), new StringContent("v1")))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var linearizable = await ReadIndexRoundsAsync(cluster, leader, "linearizable", reads);
        var lease = await ReadIndexRoundsAsync(cluster, leader, "lease", reads);

        Assert.True(linearizable >= reads, $"{reads} linearizable reads asked only {linearizable} ReadIndex confirmations");
        Assert.True(lease < reads / 4, $"{reads} lease reads asked {lease} ReadIndex confirmations: the lease did not serve them");
    }

    /// <summary>Reads the key <paramref name="reads"/> times at <paramref name="consistency"/>; returns the ReadIndex confirmations the leader asked meanwhile.</summary>
    private static async Task<double> ReadIndexRoundsAsync(TestCluster cluster, NodeProcess leader, string consistency, int reads)
    {
        var before = await ReadIndexCountAsync(cluster, leader);
        for (var i = 0; i < reads; i++)
        {
            using var response = await cluster.Http.GetAsync(new Uri(leader.Url, $"/keys/lease-probe?consistency={consistency}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("v1", await response.Content.ReadAsStringAsync());
        }
        return await ReadIndexCountAsync(cluster, leader) - before;
    }

    private static async Task<double> ReadIndexCountAsync(TestCluster cluster, NodeProcess node)
    {
        var text = await cluster.Http.GetStringAsync(new Uri(node.Url, "/metrics"));
        var match = ReadIndexCounter().Match(text);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex("""^raftcache_raft_read_index_requests_total\{[^}]*shard="1"[^}]*\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex ReadIndexCounter();
}
