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
            using var response = await cluster.Http.PostAsJsonAsync(new Uri(next.Url, "/admin/shards/1/transfer-leader"), new { to = next.Id });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            leader = next;
            moved?.Invoke(next);
        }
        var last = load.Count;
        await cluster.WaitAsync(() => Task.FromResult(load.Count >= last + 150), settle, () => $"{load.Count - last} operations after the last move");
        return leader;
    }
}
