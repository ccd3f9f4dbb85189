// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>A cluster of its own, so no CLUSTER command has been answered before the test's first.</summary>
public sealed class FreshRespClusterMode : RespCluster
{
    protected override string[] ExtraArgs => ["--resp-cluster"];
}

/// <summary>
/// A cluster-aware client reads the topology once when it connects (redis-benchmark --cluster never again), so the
/// first CLUSTER answer of a node must already name every shard's leader, including members whose RESP address the
/// node has not learned yet.
/// </summary>
public sealed class FirstTopologyTests(FreshRespClusterMode fixture) : IClassFixture<FreshRespClusterMode>
{
    [Fact]
    public async Task The_first_cluster_slots_of_every_node_covers_all_16384_slots()
    {
        // Injected: nothing; the state under test is a node that has never been asked for the topology.
        // Checked: once every node knows every shard's leader (asked over REST, not RESP), each node's very first
        // CLUSTER SLOTS maps all 16,384 slots to a master.
        foreach (var node in fixture.Cluster.Nodes)
        {
            await fixture.Cluster.WaitAsync(async () =>
            {
                var view = await fixture.Cluster.ClusterViewAsync(node);
                return view.GetProperty("shards").EnumerateArray().All(s => s.GetProperty("leader").GetUInt64() != 0);
            }, TimeSpan.FromSeconds(30));
        }

        foreach (var node in fixture.Cluster.Nodes)
        {
            await using var raw = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(node));
            await raw.CallAsync("AUTH", fixture.AdminKey);
            var reply = await raw.CallAsync("CLUSTER", "SLOTS");
            Assert.True(ClusterModeTests.SlotsCovered(reply) == 16384, $"node {node.Id}'s first CLUSTER SLOTS: {reply}");
        }
    }
}
