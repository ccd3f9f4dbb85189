// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RaftCache.Node.Tests.Cluster;

public sealed partial class AvailabilityTests
{
    [Fact]
    public async Task Without_a_quorum_a_write_answers_503_with_Retry_After_and_is_not_acknowledged()
    {
        // Injected: SIGKILL of two of three nodes. Checked: a write to the survivor is refused with 503 problem
        // details, a Retry-After header and may_have_applied, within the request timeout (1 s here), not hung.
        await using var cluster = await TestCluster.StartAsync(3, "--request-timeout-ms", "1000");
        cluster.Node(2).Kill();
        cluster.Node(3).Kill();

        using var content = new StringContent("""{"data": "lonely"}""", Encoding.UTF8, "application/json");
        using var put = await cluster.Http.PutAsync(new Uri(cluster.Node(1).Url, "/keys/no-quorum"), content);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, put.StatusCode);
        Assert.NotNull(put.Headers.RetryAfter);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        var problem = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.TryGetProperty("may_have_applied", out _));
    }

    [Fact]
    public async Task A_graceful_stop_hands_every_leadership_over_before_the_node_exits()
    {
        // Injected: SIGTERM of the node leading shard 1. Checked: for every group it led, its own log shows it
        // became a follower of another node before it exited (a transfer; a crashed node logs nothing), and the
        // survivors serve writes.
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.LeaderOfAsync(1);
        var view = await cluster.ClusterViewAsync(leader);
        var led = view.GetProperty("shards").EnumerateArray()
            .Where(s => s.GetProperty("leader").GetInt32() == leader.Id).Select(s => s.GetProperty("id").GetInt32()).ToArray();
        Assert.NotEmpty(led);

        leader.Terminate();

        // Only what the node logged after its shutdown began counts: earlier it may have followed others.
        var log = leader.Log;
        var stopping = log.IndexOf("Application is shutting down", StringComparison.Ordinal);
        Assert.True(stopping >= 0, $"node {leader.Id} did not log its shutdown:\n{log}");
        var afterStop = log[stopping..];
        foreach (var shard in led)
        {
            var handedOver = RoleChange().Matches(afterStop)
                .Any(m => m.Groups["group"].Value == shard.ToString(System.Globalization.CultureInfo.InvariantCulture)
                          && m.Groups["leader"].Value is var to && to != "0" && to != leader.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(handedOver, $"node {leader.Id} did not hand shard {shard} over:\n{afterStop}");
        }
        var survivor = cluster.Nodes.First(n => n.IsRunning);
        using var content = new StringContent("""{"data": "after"}""", Encoding.UTF8, "application/json");
        using var put = await cluster.Http.PutAsync(new Uri(survivor.Url, "/keys/after-stop"), content);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    [Fact]
    public async Task A_second_process_on_the_same_data_folder_refuses_to_start()
    {
        // Injected: a second process with the same id and data folder as a running node. Checked: it exits with a
        // clear error instead of writing into the first node's WAL, and the first node keeps serving.
        await using var cluster = await TestCluster.StartAsync(1);
        var node = cluster.Node(1);
        using var twin = new NodeProcess(node.Id, $"{TestCluster.Net}.254.1", node.DataDir, node.InitialCluster.Replace(node.Ip, $"{TestCluster.Net}.254.1", StringComparison.Ordinal), node.ExtraArgs);
        twin.Start();
        // The wait drains the redirected output too: polling HasExited and then reading the log raced its last lines.
        var exitCode = await twin.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("is in use by another process", twin.Log, StringComparison.Ordinal);
        using var health = await cluster.Http.GetAsync(new Uri(node.Url, "/health/ready"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [GeneratedRegex(@"group (?<group>\d+): Follower, leader (?<leader>\d+)")]
    private static partial Regex RoleChange();
}
