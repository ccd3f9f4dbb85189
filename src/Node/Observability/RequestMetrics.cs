// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using RaftCache.Node.Api;

namespace RaftCache.Node.Observability;

/// <summary>
/// Times every client request into <c>raftcache_request_duration_seconds</c> (labels: api, route template or
/// command, method, status, forwarded) and the dashboard's <see cref="RequestHistory"/>. Labels are bounded:
/// route templates, never paths or keys. Other front ends (RESP) call <see cref="Record"/> with api "resp".
/// </summary>
public sealed class RequestMetrics(NodeMetrics metrics, RequestHistory history)
{
    private static readonly HashSet<string> KnownMethods = ["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS"];

    private const string ForwardedShardKey = "raftcache.forwarded-shard";

    /// <summary>Marks a request this node forwards to a shard's leader; the middleware counts it per shard when it ends.</summary>
    public static void MarkForwarded(HttpContext http, int shard) => http.Items[ForwardedShardKey] = shard;

    public void Record(string api, string route, string method, int status, bool forwarded, double seconds)
    {
        metrics.Requests.Record(seconds,
            new KeyValuePair<string, object?>("api", api),
            new KeyValuePair<string, object?>("route", route),
            new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("status", StatusLabel(status)),
            new KeyValuePair<string, object?>("forwarded", forwarded ? "true" : "false"));
        history.Record(seconds, status);
    }

    /// <summary>Middleware. Long-lived streams (the event stream) are not requests in this sense and are skipped.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            if (route != EventStreamEndpoint.Route)
            {
                var method = KnownMethods.Contains(context.Request.Method) ? context.Request.Method : "OTHER";
                if (context.Items.TryGetValue(ForwardedShardKey, out var shard) && shard is int id) metrics.Forwarded.Add(1, Hosting.HostInstruments.Shard((ulong)id));
                Record("rest", route, method, context.Response.StatusCode, LeaderForwarder.HopsOf(context.Request) > 0, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }
    }

    private static readonly string[] StatusLabels = Enumerable.Range(0, 600).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static string StatusLabel(int status) => status is >= 0 and < 600 ? StatusLabels[status] : "other";
}
