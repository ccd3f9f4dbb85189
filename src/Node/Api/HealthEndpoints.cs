// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;

namespace RaftCache.Node.Api;

/// <summary>
/// Liveness and readiness, kept apart as etcd learned to (#16007): liveness says only that the process serves
/// HTTP (restarting a node does not fix a missing leader); readiness says the node can serve its shards.
/// </summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        // Open to anyone, always: orchestrators probe liveness and readiness without credentials.
        var health = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        health.MapGet("/", (CacheNode node) => TypedResults.Ok(new HealthResponse("ok", node.NodeId)))
            .WithName("Health")
            .WithDocs(new EndpointDoc("Liveness", "200 whenever the process serves HTTP.",
                ResponseExamples: new Dictionary<int, string> { [200] = """{"status": "ok", "node_id": 1}""" }));
        health.MapGet("/ready", (CacheNode node) =>
            {
                if (node.RemovedReason is { } removed) return Problems.Problem(503, "Removed from the cluster", "removed", removed);
                var (ready, reasons) = node.Readiness();
                return ready
                    ? TypedResults.Ok(new HealthResponse("ready", node.NodeId))
                    : Problems.Problem(503, "Not ready", "not-ready", string.Join("; ", reasons));
            })
            .WithName("Ready")
            .WithDocs(new EndpointDoc("Readiness", "200 when this node is a member and every shard it serves has a known leader, else 503 naming what is missing.",
                ResponseExamples: new Dictionary<int, string> { [200] = """{"status": "ready", "node_id": 1}""" },
                Errors: new Dictionary<int, string> { [503] = "Not a member yet, a shard on this node has no leader, or (type \"removed\") this node was removed from its cluster." }));
    }
}

public sealed record HealthResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
    [property: System.Text.Json.Serialization.JsonPropertyName("node_id")] ulong NodeId);
