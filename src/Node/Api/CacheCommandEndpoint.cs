// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using RaftCache.Node.Configuration;
using RaftCache.Node.Security;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>
/// POST /cache: the JSON command protocol of simple cache services, <c>{"command": "WRITE"|"READ"|"DELETE", "key",
/// "value", "expire"}</c> answered with <c>{"command", "status", "value"}</c>, over the same keyspace, routing,
/// sessions and limits as /keys (a WRITE stores <c>value</c> as a JSON entry, which GET /keys returns as <c>data</c>).
/// </summary>
public static class CacheCommandEndpoint
{
    public static void MapCacheCommands(this IEndpointRouteBuilder app) =>
        app.MapPost("/cache", HandleAsync).WithTags("Keys").WithName("CacheCommand")
            .Accepts<CacheCommandBody>("application/json").Produces<CacheCommandResponse>()
            .WithDocs(CacheCommandDocs.Command).RequireAuthorization(Roles.Policies.Read);

    private static async Task<IResult> HandleAsync(HttpContext http, ICacheCluster cluster, RequestDispatcher dispatcher, IAuthorizationService authorization, IOptions<NodeOptions> options, TimeProvider time)
    {
        var limits = options.Value;
        var body = await PutRequestReader.ReadBodyAsync(http.Request, limits.MaxValueBytes + PutRequestReader.EnvelopeSlackBytes, http.RequestAborted);
        if (body is null) return Problems.TooLarge(limits.MaxValueBytes);
        if (!CacheCommandRequest.TryParse(http.Request.ContentType, body, out var command, out var error)) return Problems.BadRequest(error);
        if (!KeyValidation.TryEncode(command.Key, out var keyBytes, out error)) return Problems.BadRequest(error);
        var isWrite = command.Command != CacheCommandRequest.Read;
        // The endpoint admits readers; WRITE and DELETE need what PUT and DELETE /keys need.
        if (isWrite && !(await authorization.AuthorizeAsync(http.User, Roles.Policies.Write)).Succeeded)
            return Problems.Problem(403, "Forbidden", "forbidden", $"{command.Command} needs the writer role (or admin); the caller may only READ.");
        if (!KeysEndpoints.TryReadConsistency(http.Request.Query, out var consistency, out error)) return Problems.BadRequest(error);
        var shard = cluster.ShardOfKey(keyBytes);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        long? expiresAtMs = null;
        if (command.Command == CacheCommandRequest.Write)
        {
            if (command.Value.Length > limits.MaxValueBytes) return Problems.TooLarge(limits.MaxValueBytes);
            if (!ExpiryParser.TryResolve(command.ExpireDate, command.ExpireSeconds, nowMs, limits.DefaultTtlSeconds, out expiresAtMs, out error)) return Problems.BadRequest(error);
        }
        return await dispatcher.DispatchAsync(http, shard, isWrite, isWrite ? ReadConsistency.Linearizable : consistency, async (session, _, ct) =>
        {
            switch (command.Command)
            {
                case CacheCommandRequest.Read:
                    var read = await cluster.ReadAsync(shard, keyBytes, consistency, ct);
                    return read.Status switch
                    {
                        ReadStatus.Found => CacheCommandResponse.Of(command.Command, command.Key, read.Entry),
                        ReadStatus.NotFound => TypedResults.NotFound(new CacheCommandResponse(command.Command, CacheCommandResponse.NotFound, null, command.Key, null)),
                        _ => null,
                    };
                case CacheCommandRequest.Write:
                    var put = CommandCodec.EncodePut(keyBytes, command.Value, Encoding.UTF8.GetBytes(PutRequestReader.JsonContentType), nowMs,
                        expiresAtMs is null ? ExpiryMode.None : ExpiryMode.At, expiresAtMs ?? 0, WriteCondition.None, 0, session);
                    return Answer(command, await cluster.WriteAsync(shard, put, ct));
                default:
                    var delete = CommandCodec.EncodeDelete(keyBytes, nowMs, WriteCondition.None, 0, session);
                    return Answer(command, await cluster.WriteAsync(shard, delete, ct));
            }
        }, body);
    }

    private static IResult? Answer(CacheCommandRequest command, WriteOutcome outcome) => outcome.Status switch
    {
        WriteStatus.Applied => TypedResults.Ok(new CacheCommandResponse(command.Command, CacheCommandResponse.Success, null, command.Key, outcome.Version)),
        WriteStatus.MemoryLimit => Problems.InsufficientStorage(outcome.Detail ?? "The shard's memory limit is reached and nothing can be evicted."),
        WriteStatus.Indeterminate => Problems.Unavailable(outcome.Detail ?? "The write may or may not have been applied.", mayHaveApplied: true),
        WriteStatus.PreconditionFailed => Problems.PreconditionFailed(outcome.Version), // no condition is sent; kept for completeness
        _ => null, // definitely not applied: route again with the same session
    };
}
