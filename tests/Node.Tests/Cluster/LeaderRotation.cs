// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using RaftCache.Node.Tests.Membership;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>Moves the leadership of shard 1 round a one-shard cluster while a register load runs against it.</summary>
internal static class LeaderRotation
{
    /// <summary>
    /// Three times: waits (bounded by <paramref name="settle"/>) for 150 more operations of <paramref name="load"/>,
    /// then transfers the leadership to the next node, telling <paramref name="moved"/>; finally waits for 150 more.
    /// Returns the last leader.
    /// </summary>
    public static async Task<NodeProcess> RotateAsync(TestCluster cluster, RegisterLoad load, NodeProcess leader, TimeSpan settle, Action<NodeProcess>? moved = null)
    {
        for (var round = 0; round < 3; round++)
        {
            var before = load.Count;
            await cluster.WaitAsync(() => Task.FromResult(load.Count >= before + 150), settle, () => $"{load.Count - before} operations this round");
            var next = cluster.Nodes[(cluster.Nodes.ToList().IndexOf(leader) + 1) % cluster.Nodes.Count];
            await TransferAsync(cluster, next, settle);
            leader = next;
            moved?.Invoke(next);
        }
        var last = load.Count;
        await cluster.WaitAsync(() => Task.FromResult(load.Count >= last + 150), settle, () => $"{load.Count - last} operations after the last move");
        return leader;
    }

    /// <summary>
    /// Moves shard 1's leadership to <paramref name="next"/>. A 503 is the documented answer when it did not move
    /// within the endpoint's own timeout (a loaded machine); the request is then repeated, as an operator would,
    /// until <paramref name="settle"/> runs out. Any other answer fails the test.
    /// </summary>
    private static Task TransferAsync(TestCluster cluster, NodeProcess next, TimeSpan settle) =>
        cluster.WaitAsync(async () =>
        {
            using var response = await cluster.Http.PostAsJsonAsync(new Uri(next.Url, "/admin/shards/1/transfer-leader"), new { to = next.Id });
            if (response.StatusCode == HttpStatusCode.OK) return true;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            return false;
        }, settle, () => $"shard 1's leadership did not move to node {next.Id}");
}
