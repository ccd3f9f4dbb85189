// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net.Http.Json;
using System.Text.Json;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>Peer authentication with real node processes: an impostor without the cluster secret changes nothing.</summary>
public sealed class PeerAuthenticationClusterTests
{
    [Fact]
    public async Task An_impostor_with_a_wrong_secret_at_a_members_address_cannot_change_any_term_or_commit()
    {
        // Injected: node 3 is stopped, and a process claiming to be node 3 (same id, same address, same founders,
        // a fresh data folder) starts with a wrong cluster secret. Fresh, it campaigns for every shard at once.
        // Checked: nodes 1 and 2 log its failed authentication, it logs their refusals, and afterwards every
        // shard's term, leader and commit index on nodes 1 and 2 are exactly what they were before it started.
        await using var cluster = await TestCluster.StartAsync(3);
        var (one, two, three) = (cluster.Node(1), cluster.Node(2), cluster.Node(3));
        three.Terminate();
        // Both nodes whose views are compared must have settled on the new leaders first (under load one lags).
        await cluster.WaitAsync(async () => (await ShardsAsync(cluster, one)).All(s => s.Leader is 1 or 2)
            && (await ShardsAsync(cluster, two)).All(s => s.Leader is 1 or 2)
            && (await ShardsAsync(cluster, one)).Select(s => (s.Id, s.Term, s.Leader)).SequenceEqual((await ShardsAsync(cluster, two)).Select(s => (s.Id, s.Term, s.Leader)))
            && await LeadersArePreferredAsync(cluster, one), TimeSpan.FromSeconds(60));
        var before = new[] { await ShardsAsync(cluster, one), await ShardsAsync(cluster, two) };

        using var impostor = new NodeProcess(3, three.Ip, three.DataDir + "-impostor", three.InitialCluster,
            [.. three.ExtraArgs, "--cluster-secret", "not the cluster's secret at all"]);
        impostor.Start();
        await cluster.WaitAsync(() => Task.FromResult(
            Count(one.Log, "node 3 failed authentication") >= 3 && Count(two.Log, "node 3 failed authentication") >= 3
            && Count(impostor.Log, "refused this node: node 3 failed authentication") >= 2), TimeSpan.FromSeconds(60),
            () => $"node 1:\n{Tail(one.Log)}\nimpostor:\n{Tail(impostor.Log)}");

        Assert.True(impostor.IsRunning, impostor.Log);
        Assert.Contains("Peer 1 at", impostor.Log, StringComparison.Ordinal);
        var after = new[] { await ShardsAsync(cluster, one), await ShardsAsync(cluster, two) };
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[1], after[1]);
    }

    /// <summary>
    /// Every shard is led by its preferred leader among the survivors: until then leader balancing may still move a
    /// leadership (a new term) on its own, which must not be mistaken for the impostor's doing.
    /// </summary>
    private static async Task<bool> LeadersArePreferredAsync(TestCluster cluster, NodeProcess node)
    {
        var preferred = new Dictionary<int, ulong>();
        foreach (var id in new ulong[] { 1, 2 })
        {
            var member = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(node.Url, $"/admin/members/{id}"));
            foreach (var shard in member.GetProperty("preferred_leader_of").EnumerateArray()) preferred[shard.GetInt32()] = id;
        }
        return (await ShardsAsync(cluster, node)).All(s => preferred.TryGetValue(s.Id, out var leader) && leader == s.Leader);
    }

    private static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(25));

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private sealed record ShardState(int Id, ulong Term, ulong Leader, ulong Commit);

    private static async Task<IReadOnlyList<ShardState>> ShardsAsync(TestCluster cluster, NodeProcess node)
    {
        var view = await cluster.ClusterViewAsync(node);
        return view.GetProperty("shards").EnumerateArray().Select(s => new ShardState(
            s.GetProperty("id").GetInt32(), s.GetProperty("term").GetUInt64(), s.GetProperty("leader").GetUInt64(),
            s.GetProperty("replicas").EnumerateArray().First(r => r.GetProperty("id").GetInt32() == node.Id).GetProperty("commit_index").GetUInt64()))
            .ToArray();
    }
}
