// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Text;
using RaftCache.Node.Hosting;
using RaftCache.Raft;

namespace RaftCache.Node.Api;

/// <summary>
/// GET /metrics in the Prometheus text format, written by hand (the OpenTelemetry exporter is not available
/// here): HTTP requests and latencies, and per Raft group the term, commit and applied index, leadership,
/// leader changes, log and snapshot position, keys and bytes. Names follow etcd's, prefixed raftcache_.
/// </summary>
public static class MetricsEndpoint
{
    public static RouteHandlerBuilder MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", WriteAsync).WithTags("Health").WithName("Metrics").WithDocs(new EndpointDoc(
            "Prometheus metrics",
            "Requests and latencies; per Raft group: term, commit and applied index, leader, leader changes, last log index, snapshot index, keys and bytes."));

    private static async Task<IResult> WriteAsync(CacheNode node, RequestMetrics requests)
    {
        var text = new StringBuilder();
        requests.WriteTo(text);
        var replicas = await node.ReplicaStatusAsync(withStateHash: false);
        Gauge(text, "raftcache_raft_term", "Current Raft term.", replicas, r => r.Raft.HardState.Term);
        Gauge(text, "raftcache_raft_commit_index", "Highest index known committed.", replicas, r => r.Raft.HardState.Commit);
        Gauge(text, "raftcache_raft_applied_index", "Highest index applied to the state machine.", replicas, r => r.Raft.Applied);
        Gauge(text, "raftcache_raft_last_index", "Last index in the log.", replicas, r => r.Raft.LastIndex);
        Gauge(text, "raftcache_raft_snapshot_index", "Index of the latest snapshot.", replicas, r => r.SnapshotIndex);
        Gauge(text, "raftcache_raft_has_leader", "1 when the group knows a leader.", replicas, r => r.Raft.SoftState.Leader != 0 ? 1UL : 0UL);
        Gauge(text, "raftcache_raft_is_leader", "1 when this node leads the group.", replicas, r => r.Raft.SoftState.Role == RaftRole.Leader ? 1UL : 0UL);
        Gauge(text, "raftcache_raft_leader_changes_seen_total", "Leader changes seen by this replica.", replicas, r => (ulong)r.LeaderChanges);
        Gauge(text, "raftcache_cache_keys", "Keys stored by this replica (expired but not yet swept included).", replicas, r => (ulong)r.Keys);
        Gauge(text, "raftcache_cache_bytes", "Bytes accounted against the memory limit by this replica.", replicas, r => (ulong)r.Bytes);
        return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    private static void Gauge(StringBuilder text, string name, string help, IReadOnlyList<ReplicaStatus> replicas, Func<ReplicaStatus, ulong> value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(name.EndsWith("_total", StringComparison.Ordinal) ? " counter\n" : " gauge\n");
        foreach (var replica in replicas)
        {
            text.Append(name).Append("{group=\"").Append(replica.GroupId.ToString(CultureInfo.InvariantCulture)).Append("\"} ")
                .Append(value(replica).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}

/// <summary>Counts requests by method and status, and times them in fixed buckets (seconds).</summary>
public sealed class RequestMetrics
{
    private static readonly double[] Buckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Method, int Status), long> _counts = [];
    private readonly long[] _bucketCounts = new long[Buckets.Length + 1];
    private double _sumSeconds;
    private long _total;

    public void Record(string method, int status, double seconds)
    {
        lock (_lock)
        {
            _counts[(method, status)] = _counts.GetValueOrDefault((method, status)) + 1;
            var bucket = Array.FindIndex(Buckets, b => seconds <= b);
            _bucketCounts[bucket < 0 ? Buckets.Length : bucket]++;
            _sumSeconds += seconds;
            _total++;
        }
    }

    public void WriteTo(StringBuilder text)
    {
        lock (_lock)
        {
            text.Append("# HELP raftcache_http_requests_total HTTP requests by method and status.\n# TYPE raftcache_http_requests_total counter\n");
            foreach (var ((method, status), count) in _counts.OrderBy(c => c.Key.Method, StringComparer.Ordinal).ThenBy(c => c.Key.Status))
            {
                text.Append(CultureInfo.InvariantCulture, $"raftcache_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {count}\n");
            }
            text.Append("# HELP raftcache_http_request_duration_seconds HTTP request latency.\n# TYPE raftcache_http_request_duration_seconds histogram\n");
            long cumulative = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                cumulative += _bucketCounts[i];
                text.Append(CultureInfo.InvariantCulture, $"raftcache_http_request_duration_seconds_bucket{{le=\"{Buckets[i]}\"}} {cumulative}\n");
            }
            text.Append(CultureInfo.InvariantCulture, $"raftcache_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {_total}\n");
            text.Append(CultureInfo.InvariantCulture, $"raftcache_http_request_duration_seconds_sum {_sumSeconds}\nraftcache_http_request_duration_seconds_count {_total}\n");
        }
    }

    /// <summary>Middleware that records every request.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            Record(context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
