// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RaftCache.Node.Gateway;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Gateway;

/// <summary>
/// One address that survives the loss of any node: a client of the gateway alone keeps writing and reading while
/// each node in turn is killed (SIGKILL) and started again, and no write it saw acknowledged is lost.
/// </summary>
public sealed class GatewayFailoverTests
{
    private const int AcksPerPhase = 15;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_client_of_the_gateway_keeps_working_while_each_node_in_turn_is_killed_and_restarted()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var first = cluster.Node(1);
        // One seed only: the gateway must learn the other members from the cluster itself.
        using var gateway = new GatewayProcess(new Uri($"http://{first.Ip[..first.Ip.LastIndexOf('.')]}.9:5000"), [first.Url]);
        await gateway.WaitForMembersAsync(cluster.Http, 3, TimeSpan.FromSeconds(30));

        var acknowledged = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var client = Task.Run(() => RunClientAsync(cluster.Http, gateway.Url, acknowledged, failures, stop.Token));
        try
        {
            foreach (var node in cluster.Nodes)
            {
                await WaitForAcksAsync(acknowledged, client, AcksPerPhase, $"before node {node.Id} was killed", gateway);
                node.Kill();
                await WaitForAcksAsync(acknowledged, client, AcksPerPhase, $"while node {node.Id} was down", gateway);
                node.Start();
                await cluster.WaitReadyAsync([node]);
                await gateway.WaitForMembersAsync(cluster.Http, 3, TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await client;
        }

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)) + "\n" + gateway.Log);
        foreach (var (i, value) in acknowledged)
        {
            using var response = await cluster.Http.GetAsync(new Uri(gateway.Url, $"/keys/gw-{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(value, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetInt32());
        }
    }

    [Fact]
    public async Task With_no_member_reachable_the_gateway_answers_503_problem_details_within_its_timeout()
    {
        var net = TestCluster.Net;
        var options = GatewayOptions.Parse(
            ["--seeds", $"http://{net}.251.2:5001,http://{net}.251.3:5001", "--listen", $"http://{net}.251.1:5000", "--request-timeout-ms", "3000"],
            _ => null, out var error) ?? throw new InvalidOperationException(error);
        await using var app = GatewayProgram.Build(options);
        await app.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var watch = Stopwatch.StartNew();

        using var response = await http.PutAsync(new Uri($"http://{net}.251.1:5000/keys/k"), JsonContent.Create(new { data = 1 }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(problem.GetProperty("may_have_applied").GetBoolean()); // refused connections: nothing was sent
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromMilliseconds(options.RequestTimeoutMs + 2_000));
        await app.StopAsync();
    }

    /// <summary>Writes gw-0, gw-1, … one after the other and reads back a recent acknowledged one between writes.</summary>
    private static async Task RunClientAsync(HttpClient http, Uri gateway, ConcurrentDictionary<int, int> acknowledged, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                using var put = await http.PutAsync(new Uri(gateway, $"/keys/gw-{i}"), JsonContent.Create(new { data = i * 7, ttl_seconds = 600 }), CancellationToken.None);
                if (put.StatusCode == HttpStatusCode.OK) acknowledged[i] = i * 7;
                else if (put.StatusCode != HttpStatusCode.ServiceUnavailable) failures.Enqueue($"PUT gw-{i}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(CancellationToken.None)}");
                if (acknowledged.IsEmpty) continue;
                var probe = acknowledged.Keys.Max() - Random.Shared.Next(Math.Min(10, acknowledged.Count));
                if (!acknowledged.TryGetValue(probe, out var expected)) continue;
                using var get = await http.GetAsync(new Uri(gateway, $"/keys/gw-{probe}"), CancellationToken.None);
                if (get.StatusCode == HttpStatusCode.OK)
                {
                    var data = (await get.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("data").GetInt32();
                    if (data != expected) failures.Enqueue($"GET gw-{probe}: {data}, acknowledged {expected}");
                }
                else if (get.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    failures.Enqueue($"GET gw-{probe}: {(int)get.StatusCode} {await get.Content.ReadAsStringAsync(CancellationToken.None)}");
                }
            }
            catch (HttpRequestException e)
            {
                failures.Enqueue($"request {i}: {e.Message}"); // the one address itself failed: what the gateway exists to prevent
            }
        }
    }

    private static async Task WaitForAcksAsync(ConcurrentDictionary<int, int> acknowledged, Task client, int more, string phase, GatewayProcess gateway)
    {
        var target = acknowledged.Count + more;
        var deadline = DateTime.UtcNow + PhaseTimeout;
        while (acknowledged.Count < target)
        {
            if (client.IsCompleted) await client;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {acknowledged.Count}/{target} writes acknowledged {phase}:\n{gateway.Log}");
            await Task.Delay(50);
        }
    }
}
