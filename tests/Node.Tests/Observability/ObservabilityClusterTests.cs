// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text;
using RaftCache.Node.Observability;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Observability;

/// <summary>/metrics and /admin/events on a cluster of real node processes.</summary>
public sealed class ObservabilityClusterTests(SharedCluster shared) : IClassFixture<SharedCluster>
{
    private TestCluster Cluster => shared.Cluster;

    [Fact]
    public async Task Every_node_exports_the_key_series_with_bounded_labels()
    {
        using (var put = await Cluster.Http.PutAsync(new Uri(Cluster.Node(1).Url, "/keys/metrics-probe"), new StringContent("v")))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        foreach (var node in Cluster.Nodes)
        {
            // Every shard replica (4 shards and the metadata group, all on every node of 3) reports its Raft position.
            // Polled (bounded): another test of this class may just have moved a leadership, and figures are cached briefly.
            var text = "";
            await Cluster.WaitAsync(async () =>
            {
                text = await Cluster.Http.GetStringAsync(new Uri(node.Url, "/metrics"));
                return Enumerable.Range(0, 5).All(shard => text.Contains($"raftcache_raft_has_leader{{otel_scope_name=\"RaftCache\",shard=\"{shard}\"}} 1", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(15), () => string.Join('\n', text.Split('\n').Where(l => l.StartsWith("raftcache_raft_has_leader", StringComparison.Ordinal))));
            foreach (var shard in Enumerable.Range(0, 5)) Assert.Matches($"raftcache_raft_applied_index\\{{[^}}]*shard=\"{shard}\"\\}} [1-9]", text);
            Assert.Equal(1, Count(text, "raftcache_raft_is_leader{otel_scope_name=\"RaftCache\",shard=\"0\"} 1") + Count(text, "raftcache_raft_is_leader{otel_scope_name=\"RaftCache\",shard=\"0\"} 0"));
            Assert.Matches("raftcache_wal_fsync_duration_seconds_count\\{[^}]*\\} [1-9]", text);
            Assert.Matches("raftcache_host_loop_iteration_duration_seconds_count\\{[^}]*\\} [1-9]", text);
            Assert.Matches("raftcache_peer_sent_bytes_total\\{[^}]*peer=\"[123]\"\\} [1-9]", text);
            Assert.Contains("raftcache_member_state{otel_scope_name=\"RaftCache\",member=\"1\",state=\"active\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("raftcache_cache_memory_limit_bytes", text, StringComparison.Ordinal);
            // ASP.NET Core's per-request meters are not exported (raftcache_request_duration_seconds covers them); Kestrel's are.
            Assert.DoesNotContain("http_server_request_duration_seconds", text, StringComparison.Ordinal);
            Assert.DoesNotContain("aspnetcore_routing_match_attempts", text, StringComparison.Ordinal);
            Assert.Contains("kestrel_active_connections", text, StringComparison.Ordinal);
            Assert.DoesNotContain("metrics-probe", text, StringComparison.Ordinal); // keys never become labels
        }
        // The exporter caches a scrape briefly: poll (bounded) until the PUT shows, labelled by its route template.
        static bool Counted(string text) => text.Split('\n').Any(l => l.StartsWith("raftcache_request_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("method=\"PUT\"", StringComparison.Ordinal) && l.Contains("route=\"/keys/{**key}\"", StringComparison.Ordinal)
            && l.Contains("status=\"200\"", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
        var last = "";
        await Cluster.WaitAsync(async () => Counted(last = await Cluster.Http.GetStringAsync(new Uri(Cluster.Node(1).Url, "/metrics"))), TimeSpan.FromSeconds(10),
            () => string.Join('\n', last.Split('\n').Where(l => l.StartsWith("raftcache_request_duration_seconds_count", StringComparison.Ordinal))));

        // The shard's leader counted the put's proposal (the host records proposals once per group and loop iteration).
        var proposals = "";
        await Cluster.WaitAsync(async () =>
        {
            proposals = "";
            foreach (var node in Cluster.Nodes) proposals += await Cluster.Http.GetStringAsync(new Uri(node.Url, "/metrics"));
            return proposals.Split('\n').Any(l => l.StartsWith("raftcache_raft_proposals_total{", StringComparison.Ordinal)
                && l.Contains("outcome=\"accepted\"", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(10), () => string.Join('\n', proposals.Split('\n').Where(l => l.StartsWith("raftcache_raft_proposals", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Nodes_that_are_not_the_leader_count_the_writes_they_forward_by_shard()
    {
        // One key, written through every node: the two that do not lead its shard forward it.
        foreach (var node in Cluster.Nodes)
        {
            using var put = await Cluster.Http.PutAsync(new Uri(node.Url, "/keys/forward-probe"), new StringContent("v"));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var forwarding = new HashSet<int>();
        await Cluster.WaitAsync(async () =>
        {
            foreach (var node in Cluster.Nodes)
            {
                var text = await Cluster.Http.GetStringAsync(new Uri(node.Url, "/metrics"));
                if (text.Split('\n').Any(l => l.StartsWith("raftcache_forwarded_requests_total{", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal)))
                    forwarding.Add(node.Id);
            }
            return forwarding.Count >= 2;
        }, TimeSpan.FromSeconds(10), () => $"nodes counting forwards: {string.Join(", ", forwarding)}");
    }

    [Fact]
    public async Task The_event_stream_opens_with_the_state_and_tells_a_leadership_transfer()
    {
        var node = Cluster.Node(1);
        using var stream = await OpenAsync(node);
        var hello = await stream.NextAsync();
        Assert.Equal("hello", hello.Name);
        Assert.Contains("\"members\":[", hello.Data, StringComparison.Ordinal);

        var leader = await Cluster.LeaderOfAsync(2, node);
        var to = Cluster.Nodes.First(n => n.Id != leader.Id);
        using (var transfer = await Cluster.Http.PostAsJsonAsync(new Uri(node.Url, "/admin/shards/2/transfer-leader"), new { to = to.Id }))
            Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);

        // The node may see "no leader" for a moment while the new leader campaigns: the event names the new leader.
        var expected = $"{{\"shard\":2,\"leader\":{to.Id},";
        var seen = new List<string>();
        while (true)
        {
            var evt = await stream.NextAsync();
            seen.Add(evt.Name + " " + evt.Data);
            if (evt.Name == "leader" && evt.Data.StartsWith(expected, StringComparison.Ordinal)) break;
            Assert.True(seen.Count < 100, "no leader event for the transfer: " + string.Join("\n", seen));
        }
    }

    [Fact]
    public async Task Streams_beyond_the_limit_are_refused_with_503()
    {
        var node = Cluster.Node(2);
        var open = new List<EventReader>();
        try
        {
            // Some places may be held by another test's stream on this node: fill whatever is left.
            while (open.Count <= EventHub.MaxSubscribers)
            {
                var response = await SendAsync(node);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.NotNull(response.Headers.RetryAfter);
                    response.Dispose();
                    return;
                }
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                open.Add(new EventReader(response, await response.Content.ReadAsStreamAsync()));
            }
            Assert.Fail($"{open.Count} streams were accepted; the limit is {EventHub.MaxSubscribers}");
        }
        finally
        {
            foreach (var reader in open) reader.Dispose();
        }
    }

    private async Task<HttpResponseMessage> SendAsync(NodeProcess node)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.Url, "/admin/events"));
        return await Cluster.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private async Task<EventReader> OpenAsync(NodeProcess node)
    {
        var response = await SendAsync(node);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventReader(response, await response.Content.ReadAsStreamAsync());
    }

    private static int Count(string text, string needle) => text.Split(needle).Length - 1;

    /// <summary>Reads server-sent events one at a time; each read is bounded by the client's timeout.</summary>
    private sealed class EventReader(HttpResponseMessage response, Stream body) : IDisposable
    {
        private readonly StreamReader _reader = new(body, Encoding.UTF8);

        public async Task<(string Name, string Data)> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            string name = "message", data = "";
            while (await _reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Length == 0 && data.Length > 0) return (name, data);
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data += line[6..];
            }
            throw new EndOfStreamException("the event stream ended");
        }

        public void Dispose()
        {
            _reader.Dispose();
            response.Dispose();
        }
    }
}
