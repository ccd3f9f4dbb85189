// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>
/// A node that knows no leader for a shard (it campaigns: after a late heartbeat on a loaded machine, or without a
/// quorum) answers CLUSTER SLOTS once the leader is known again, within the request timeout, instead of at once with
/// the shard's slots missing: a cluster-aware client that reads the topology once would keep those holes.
/// </summary>
public sealed partial class LeaderlessTopologyTests
{
    [Fact]
    public async Task Cluster_slots_asked_while_no_shard_has_a_leader_answers_every_slot_once_leaders_are_back()
    {
        // Injected: nodes 2 and 3 killed (SIGKILL), so node 1 campaigns in every shard without a quorum and knows no
        // leader; CLUSTER SLOTS sent to node 1 in that state; then node 3 started again on its data.
        // Checked: the one answer to that command maps all 16,384 slots, each range to node 1 or node 3 as master.
        await using var cluster = await TestCluster.StartAsync(3, "--resp-listen", $":{RespCluster.Port}", "--resp-cluster", "--request-timeout-ms", "60000");
        var (one, three) = (cluster.Node(1), cluster.Node(3));
        await using var client = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(one));
        Assert.Equal("+OK", await client.CallAsync("AUTH", TestCluster.AdminKey));
        Assert.Equal(16384, ClusterModeTests.SlotsCovered(await client.CallAsync("CLUSTER", "SLOTS"))); // every address learned

        cluster.Node(2).Kill();
        three.Kill();
        var leaders = "";
        await cluster.WaitAsync(async () =>
        {
            var shards = (await cluster.ClusterViewAsync(one)).GetProperty("shards").EnumerateArray().ToArray();
            leaders = string.Join(", ", shards.Select(s => $"shard {s.GetProperty("id")}: {s.GetProperty("leader")}"));
            return shards.All(s => s.GetProperty("leader").GetUInt64() == 0);
        }, TimeSpan.FromSeconds(60), () => $"node 1 still knows leaders: {leaders}");

        var answer = client.CallAsync("CLUSTER", "SLOTS");
        three.Start();
        var reply = await answer.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(ClusterModeTests.SlotsCovered(reply) == 16384, $"node 1's answer: {reply}");
        var masters = MasterAddress().Matches(reply).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(masters);
        Assert.All(masters, ip => Assert.Contains(ip, new[] { one.Ip, three.Ip }));
    }

    /// <summary>The first node of each slot range in a CLUSTER SLOTS reply (as RawRespClient prints it) is its master.</summary>
    [GeneratedRegex(@"\[:\d+, :\d+, \[([0-9.]+), :")]
    private static partial Regex MasterAddress();
}
