// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Requests;
using RaftCache.Node.Hosting;
using RaftCache.Node.Security;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>The admin API of API.md: cluster view, members, keys, flush, snapshots, leader transfer.</summary>
public static partial class AdminEndpoints
{
    public const int DefaultKeysPerPage = 100;

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        // Every /admin call needs the admin role: flushing or reconfiguring is never a reader's or a writer's business.
        var admin = app.MapGroup("/admin").WithTags("Admin").RequireAuthorization(Roles.Policies.Admin);
        admin.MapGet("/cluster", ClusterAsync).WithName("GetCluster").WithDocs(AdminDocs.Cluster);
        admin.MapGet("/keys", KeysAsync).WithName("ListKeys").WithDocs(AdminDocs.Keys);
        admin.MapGet("/shards/{id:int}/keys", ShardKeys).WithName("ListShardKeys").WithDocs(AdminDocs.ShardKeys);
        admin.MapGet("/dump", DumpAsync).WithName("Dump").WithDocs(AdminDocs.Dump);
        admin.MapDelete("/keys", FlushAllAsync).WithName("FlushKeys").WithDocs(AdminDocs.Flush);
        admin.MapDelete("/shards/{id:int}/keys", FlushShardAsync).WithName("FlushShard").WithDocs(AdminDocs.FlushShard);
        admin.MapPost("/snapshot", SnapshotAsync).WithName("Snapshot").WithDocs(AdminDocs.Snapshot);
        admin.MapPost("/shards/{id:int}/transfer-leader", TransferLeaderAsync).WithName("TransferLeader").WithDocs(AdminDocs.TransferLeader);
        admin.MapMembers();
        admin.MapApiKeys();
        admin.MapBackup();
    }

    private static async Task<IResult> ClusterAsync(CacheNode node) => TypedResults.Ok(ClusterView.Of(node, await node.ReplicaStatusAsync()));

    private static async Task<IResult> FlushAllAsync(CacheNode node, IHttpClientFactory clients, HttpContext http)
    {
        // Each shard's flush is its own replicated command; the shard endpoint routes it to that shard's leader.
        var client = clients.CreateClient(NodeProgram.SelfClient);
        var self = new Uri($"{http.Request.Scheme}://{http.Request.Host}");
        var failed = new List<int>();
        for (var shard = 1; shard <= node.Shards.ShardCount; shard++)
        {
            // Each per-shard call is authorised as the caller of this one: it carries the caller's credentials.
            using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(self, $"/admin/shards/{shard}/keys"));
            LeaderForwarder.CopyCredentials(http.Request, request);
            using var response = await client.SendAsync(request, http.RequestAborted);
            if (!response.IsSuccessStatusCode) failed.Add(shard);
        }
        return failed.Count == 0
            ? TypedResults.Ok(new FlushResponse(node.Shards.ShardCount, []))
            : Problems.Unavailable($"Shards {string.Join(", ", failed)} were not confirmed flushed; they may or may not have been.", mayHaveApplied: true);
    }

    private static Task<IResult> FlushShardAsync(int id, HttpContext http, CacheNode node, RequestDispatcher dispatcher, TimeProvider time)
    {
        if (id < 1 || id > node.Shards.ShardCount) return Task.FromResult(Problems.Problem(404, "No such shard", "no-such-shard", $"Shard ids are 1 to {node.Shards.ShardCount}."));
        return dispatcher.DispatchAsync(http, id, isWrite: true, ReadConsistency.Linearizable, async (session, _, ct) =>
        {
            var outcome = await node.WriteHereAsync(id, CommandCodec.EncodeFlush(time.GetUtcNow().ToUnixTimeMilliseconds(), session), ct);
            return outcome.Fate switch
            {
                WriteFate.Applied => TypedResults.Ok(new FlushResponse(1, [])),
                WriteFate.RouteAgain => RouteAgain.Here,
                _ => Problems.Unavailable(outcome.Detail ?? "The flush may or may not have been applied.", mayHaveApplied: true),
            };
        });
    }

    private static async Task<IResult> SnapshotAsync(CacheNode node) => TypedResults.Ok(new SnapshotResponse(await node.ForceSnapshotsAsync()));

    private static Task<IResult> TransferLeaderAsync(int id, TransferRequest request, HttpContext http, CacheNode node, RequestDispatcher dispatcher)
    {
        if (id < 1 || id > node.Shards.ShardCount) return Task.FromResult(Problems.Problem(404, "No such shard", "no-such-shard", $"Shard ids are 1 to {node.Shards.ShardCount}."));
        if (!request.TryGetTarget(out var to)) return Task.FromResult(Problems.BadRequest("\"to\" must be a member id."));
        return dispatcher.DispatchAsync(http, id, isWrite: false, ReadConsistency.Linearizable, async (_, _, ct) =>
        {
            if (!node.Cluster.Placement.TryGetValue(id, out var replicas) || !replicas.Contains(to))
                return Problems.Problem(409, "Not a replica", "not-a-replica", $"Node {to} holds no replica of shard {id}.");
            var moved = await node.TransferLeadershipAsync((ulong)id, to, TimeSpan.FromSeconds(5), ct);
            return moved
                ? TypedResults.Ok(new TransferResponse(id, to))
                : Problems.Unavailable($"Leadership of shard {id} did not move to node {to} in time.", mayHaveApplied: true);
        }, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(request));
    }
}
