// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Membership;

/// <summary>
/// Growing, shrinking and healing a cluster of real processes while clients write and read linearizably.
/// Every test checks the recorded history per key at the end (no acknowledged write lost, no stale read) and
/// that replicas and leaders end balanced within one, with every member holding exactly its placement.
/// </summary>
public sealed class MembershipTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Grows_from_3_to_4_to_5_under_load()
    {
        // Injected: two empty nodes started with --join and added through POST /admin/members while 4 clients
        // write and read linearizably through the founders. Checked: each gets the next id, joins the metadata
        // group, receives its share of replicas through learner catch-up and joint consensus, and leaders spread.
        await using var cluster = await TestCluster.StartAsync(3);
        var members = cluster.Nodes.ToList();
        await using var load = new RegisterLoad(() => members.ToArray());

        var (fourth, id4) = await cluster.AddNodeAsync(cluster.Node(2));
        Assert.Equal(4UL, id4);
        members.Add(fourth);
        await cluster.WaitBalancedAsync(members, replicationFactor: 3, Settle);

        var (fifth, id5) = await cluster.AddNodeAsync(fourth);
        Assert.Equal(5UL, id5);
        members.Add(fifth);
        await cluster.WaitBalancedAsync(members, replicationFactor: 3, Settle);

        var (operations, acknowledged) = await load.StopAndCheckAsync(members);
        Assert.True(acknowledged > 50, $"only {acknowledged} writes were acknowledged in {operations} operations");
        var view = await cluster.ClusterViewAsync(fifth);
        Assert.All(view.GetProperty("members").EnumerateArray(), m => Assert.Equal("active", m.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Shrinks_from_5_to_3_under_load_and_refuses_going_below_the_replication_factor()
    {
        // Injected: DELETE /admin/members of two of five members while clients load the cluster. Checked: each is
        // drained (its replicas move away, its leaderships are handed over) and removed; the three left hold every
        // shard; a third removal is refused with 409; a removed member's id is reported as removed; each removed node
        // exits by itself with ExitCodes.Removed, and restarted on its old folder is refused by its former peers with
        // "wipe its data folder and add it again" and exits again (or, told to stay up, reports readiness 503 "removed").
        await using var cluster = await TestCluster.StartAsync(5);
        var members = cluster.Nodes.ToList();
        await using var load = new RegisterLoad(() => members.ToArray());

        members.Remove(cluster.Node(5));
        await cluster.RemoveNodeAsync(cluster.Node(1), 5, Settle);
        members.Remove(cluster.Node(4));
        await cluster.RemoveNodeAsync(cluster.Node(4), 4, Settle); // asked through the member being removed
        await cluster.WaitBalancedAsync(members, replicationFactor: 3, Settle);

        using var refused = await cluster.Http.DeleteAsync(new Uri(cluster.Node(1).Url, "/admin/members/3"));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("replication factor", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var removed = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(cluster.Node(2).Url, "/admin/members/5"));
        Assert.Equal("removed", removed.GetProperty("state").GetString());

        // Each removed node learns it was removed and exits by itself with the documented code, saying why.
        foreach (var gone in new[] { cluster.Node(5), cluster.Node(4) })
        {
            var code = await gone.WaitForExitAsync(Settle);
            Assert.True(code == ExitCodes.Removed, $"node {gone.Id} exited {code}; log tail:\n{string.Join('\n', gone.Log.Split('\n').TakeLast(40))}");
            Assert.Contains("was removed from its cluster and stops serving", gone.Log, StringComparison.Ordinal);
        }

        // Restarted on its old data folder, a removed node is refused by its former peers with the way out and
        // exits again; kept up for inspection, it answers readiness with 503 "removed".
        var ghost = cluster.Node(5);
        ghost.Start();
        Assert.Equal(ExitCodes.Removed, await ghost.WaitForExitAsync(Settle));
        Assert.Contains("wipe its data folder and add it again", ghost.Log, StringComparison.Ordinal);
        ghost.Start("--stay-up-when-removed");
        await cluster.WaitAsync(async () =>
        {
            try
            {
                using var ready = await cluster.Http.GetAsync(new Uri(ghost.Url, "/health/ready"));
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable && (await ready.Content.ReadAsStringAsync()).Contains("/removed\"", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                return false; // still starting
            }
        }, Settle);
        Assert.True(ghost.IsRunning);
        ghost.Terminate();

        await load.StopAndCheckAsync(members);
    }

    [Fact]
    public async Task A_dead_member_is_replaced_and_its_stale_replicas_are_deleted_when_it_returns()
    {
        // Injected: SIGKILL of one of four members (down time 2 s) under load, then a restart after the cluster
        // healed. Checked: every shard gets back to 3 replicas on the 3 live members without operator action;
        // the returning member deletes the replicas moved away from it, then receives its share again.
        await using var cluster = await TestCluster.StartAsync(4, "--down-after-seconds", "2");
        var victim = cluster.Node(4);
        var live = cluster.Nodes.Where(n => n != victim).ToList();
        await using var load = new RegisterLoad(() => live.ToArray());

        victim.Kill();
        await cluster.WaitBalancedAsync(live, replicationFactor: 3, Settle);
        var view = await cluster.ClusterViewAsync(live[0]);
        Assert.Equal("down", view.GetProperty("members").EnumerateArray().First(m => m.GetProperty("id").GetInt32() == victim.Id).GetProperty("state").GetString());

        victim.Start();
        await cluster.WaitReadyAsync([victim]);
        await cluster.WaitBalancedAsync(cluster.Nodes, replicationFactor: 3, Settle);
        Assert.Contains("replica removed from this node", victim.Log, StringComparison.Ordinal);

        await load.StopAndCheckAsync(live);
    }

    [Fact]
    public async Task An_operators_leader_transfer_is_kept_by_leader_balancing()
    {
        // Injected: POST /admin/shards/{id}/transfer-leader of a shard preferred on the member preferred for most
        // shards, to the member preferred for fewest. Checked: the target becomes the shard's preferred leader, the
        // cluster settles balanced, and the shard is still led by the target afterwards (balancing kept it there).
        await using var cluster = await TestCluster.StartAsync(3);
        await cluster.WaitBalancedAsync(cluster.Nodes, replicationFactor: 3, Settle);
        var preferred = new Dictionary<ulong, int[]>();
        foreach (var node in cluster.Nodes)
        {
            var member = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(cluster.Node(1).Url, $"/admin/members/{node.Id}"));
            preferred[(ulong)node.Id] = member.GetProperty("preferred_leader_of").EnumerateArray().Select(s => s.GetInt32()).ToArray();
        }
        var busiest = preferred.MaxBy(p => p.Value.Length).Key;
        var idlest = preferred.MinBy(p => p.Value.Length).Key;
        var shard = preferred[busiest][0];

        // A 503 says the leadership did not move within the endpoint's 5 s and may still move: on a loaded machine the
        // operator asks again, as this does (at most three times).
        HttpResponseMessage transfer;
        for (var attempt = 1; ; attempt++)
        {
            transfer = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Node(1).Url, $"/admin/shards/{shard}/transfer-leader"), new { to = idlest.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            if (transfer.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 3) break;
            transfer.Dispose();
        }
        using (transfer) Assert.True(transfer.StatusCode == HttpStatusCode.OK, $"{transfer.StatusCode}: {await transfer.Content.ReadAsStringAsync()}");
        await cluster.WaitAsync(async () =>
        {
            var member = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(cluster.Node(1).Url, $"/admin/members/{idlest}"));
            return member.GetProperty("preferred_leader_of").EnumerateArray().Any(s => s.GetInt32() == shard);
        }, TimeSpan.FromSeconds(30));
        await cluster.WaitBalancedAsync(cluster.Nodes, replicationFactor: 3, Settle);
        var leader = await cluster.LeaderOfAsync(shard);
        Assert.Equal(idlest, (ulong)leader.Id);
    }

    [Fact]
    public async Task Adding_a_member_validates_the_request()
    {
        // Checked: a bad address is a 400 problem, an address nobody serves a 502 problem naming it, and the
        // address of a node that already belongs to another cluster a 409; none of them changes the membership.
        await using var cluster = await TestCluster.StartAsync(3);
        var node = cluster.Node(1);
        await AssertProblemAsync(cluster, node, new { address = "not a url" }, HttpStatusCode.BadRequest);
        await AssertProblemAsync(cluster, node, new { address = "http://127.0.0.1:1" }, HttpStatusCode.BadGateway);
        await using var other = await TestCluster.StartAsync(3);
        await AssertProblemAsync(cluster, node, new { address = other.Node(1).Url.ToString().TrimEnd('/') }, HttpStatusCode.Conflict);
        var view = await cluster.ClusterViewAsync(node);
        Assert.Equal(3, view.GetProperty("members").GetArrayLength());
    }

    private static async Task AssertProblemAsync(TestCluster cluster, NodeProcess node, object body, HttpStatusCode expected)
    {
        using var response = await cluster.Http.PostAsJsonAsync(new Uri(node.Url, "/admin/members"), body);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
