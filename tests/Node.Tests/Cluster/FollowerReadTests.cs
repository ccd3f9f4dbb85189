// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Tests.Membership;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>Linearizable reads served by followers (ReadIndex from the leader, then the follower's own replica).</summary>
public sealed class FollowerReadTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Reads_through_followers_stay_linearizable_under_writes_and_leader_changes()
    {
        // Injected: one shard, so every node holds a replica; writes through every node (forwarded to the leader over
        // the peer connection), linearizable reads only through the nodes that are followers at the time, while the
        // leadership moves around the three nodes. Checked: the history of every key is linearizable, including a
        // final read after the load, and enough writes were acknowledged for that to mean something.
        await using var cluster = await TestCluster.StartAsync(3, "--shards", "1");
        var leader = await cluster.LeaderOfAsync(1);
        await using var load = new RegisterLoad(
            () => cluster.Nodes,
            clients: 6,
            keys: 8,
            readers: () => cluster.Nodes.Where(n => n != Volatile.Read(ref leader)).ToArray());

        leader = await LeaderRotation.RotateAsync(cluster, load, leader, Settle, next => Volatile.Write(ref leader, next));

        var (operations, acknowledged) = await load.StopAndCheckAsync(cluster.Nodes.Where(n => n != leader).ToArray());
        Assert.True(acknowledged > 100, $"only {acknowledged} writes were acknowledged in {operations} operations");
    }
}
