// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using Microsoft.AspNetCore.Authorization;
using RaftCache.Node.Requests;
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

    private static async Task<IResult> HandleAsync(HttpContext http, KeyRequests requests, IAuthorizationService authorization)
    {
        var limits = requests.Options;
        var body = await PutRequestReader.ReadBodyAsync(http.Request, limits.MaxValueBytes + PutRequestReader.EnvelopeSlackBytes, http.RequestAborted);
        if (body is null) return Problems.TooLarge(limits.MaxValueBytes);
        if (!CacheCommandRequest.TryParse(http.Request.ContentType, body, out var command, out var error)) return Problems.BadRequest(error);
        if (!KeyValidation.TryEncode(command.Key, out var keyBytes, out error)) return Problems.BadRequest(error);
        var isWrite = command.Command != CacheCommandRequest.Read;
        // The endpoint admits readers; WRITE and DELETE need what PUT and DELETE /keys need.
        if (isWrite && !(await authorization.AuthorizeAsync(http.User, Roles.Policies.Write)).Succeeded)
            return Problems.Problem(403, "Forbidden", "forbidden", $"{command.Command} needs the writer role (or admin); the caller may only READ.");
        if (!KeysEndpoints.TryReadConsistency(http.Request.Query, out var consistency, out error)) return Problems.BadRequest(error);
        var shard = requests.Cluster.ShardOfKey(keyBytes);
        var nowMs = requests.NowMs;
        switch (command.Command)
        {
            case CacheCommandRequest.Read:
                var read = await requests.ReadAsync(http, shard, keyBytes, consistency);
                return read.Fate switch
                {
                    ReadFate.Found => CacheCommandResponse.Of(command.Command, command.Key, read.Entry),
                    ReadFate.NotFound => TypedResults.NotFound(new CacheCommandResponse(command.Command, CacheCommandResponse.NotFound, null, command.Key, null)),
                    _ => KeyRequests.Unavailable(read),
                };
            case CacheCommandRequest.Write:
                if (command.Value.Length > limits.MaxValueBytes) return Problems.TooLarge(limits.MaxValueBytes);
                if (!ExpiryParser.TryResolve(command.ExpireDate, command.ExpireSeconds, nowMs, limits.DefaultTtlSeconds, out var expiresAtMs, out error)) return Problems.BadRequest(error);
                var contentType = Encoding.UTF8.GetBytes(PutRequestReader.JsonContentType);
                return Answer(command, await requests.WriteAsync(http, shard, session => CommandCodec.EncodePut(keyBytes, command.Value, contentType, nowMs,
                    expiresAtMs is null ? ExpiryMode.None : ExpiryMode.At, expiresAtMs ?? 0, WriteCondition.None, 0, session)));
            default:
                return Answer(command, await requests.WriteAsync(http, shard, session => CommandCodec.EncodeDelete(keyBytes, nowMs, WriteCondition.None, 0, session)));
        }
    }

    private static IResult Answer(CacheCommandRequest command, WriteOutcome outcome) => KeyRequests.WriteResult(outcome, () =>
        TypedResults.Ok(new CacheCommandResponse(command.Command, CacheCommandResponse.Success, null, command.Key, outcome.Result.Version)));
}
