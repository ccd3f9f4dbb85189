// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Text;
using System.Globalization;
using RaftCache.Node.Api;
using RaftCache.Node.Security;
using RaftCache.Resp;
using RaftCache.StateMachine;

namespace RaftCache.Node.Resp;

/// <summary>
/// Where a node forwards a RESP command it cannot serve: the shard leader runs it as the caller (whose API key the
/// forward carries, checked by the same policies as REST). Only key commands are accepted here; a flush goes
/// through the admin API. A node that is not the right replica any more answers 421, and the sender routes again.
/// </summary>
public static class RespInternalEndpoints
{
    public const string Prefix = "/internal/resp";
    public const string ContentTypeHeader = "X-RaftCache-Content-Type";
    public const string VersionHeader = "X-RaftCache-Version";
    public const string ExpiresHeader = "X-RaftCache-Expires-Ms";

    private static readonly CommandKind[] Forwardable =
    [
        CommandKind.Put, CommandKind.Delete, CommandKind.IncrementBy, CommandKind.Append, CommandKind.SetExpiry,
        CommandKind.HashSet, CommandKind.HashDelete, CommandKind.HashIncrementBy, CommandKind.PutAllIfAbsent,
    ];

    public static void MapRespInternal(this IEndpointRouteBuilder app, RespOptions? options)
    {
        var group = app.MapGroup(Prefix).ExcludeFromDescription();
        group.MapPost("/write/{shard:int}", WriteAsync).RequireAuthorization(Roles.Policies.Write);
        group.MapGet("/read/{shard:int}", ReadAsync).RequireAuthorization(Roles.Policies.Read);

        // Cluster mode tells clients other members' RESP addresses; the address is not a secret.
        if (options is not null) group.MapGet("/address", () => $"{options.EndPoint.Address}:{options.EndPoint.Port}").AllowAnonymous();
    }

    private static async Task<IResult> WriteAsync(int shard, HttpContext http, ICacheCluster cluster)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        var command = body.ToArray();
        try
        {
            if (!Forwardable.Contains(CommandCodec.Decode(command).Kind)) return Problems.BadRequest("Only key commands are forwarded here.");
        }
        catch (StateMachineFormatException e)
        {
            return Problems.BadRequest(e.Message);
        }

        if (cluster.RouteOf(shard, isWrite: true, ReadConsistency.Linearizable).Kind != RouteKind.Local) return Misdirected();
        var outcome = await cluster.WriteAsync(shard, command, http.RequestAborted);
        if (NodeRespBackend.ToResp(outcome) is not { } result) return Misdirected();
        return TypedResults.Ok(new ForwardedWrite(result.Status, result.Result.Status, result.Result.Version, result.Result.Count));
    }

    private static async Task<IResult> ReadAsync(int shard, string key, int consistency, HttpContext http, ICacheCluster cluster)
    {
        if (consistency is < 0 or > 2) return Problems.BadRequest("consistency must be 0, 1 or 2.");
        byte[] keyBytes;
        try
        {
            keyBytes = Base64Url.DecodeFromChars(key);
        }
        catch (FormatException)
        {
            return Problems.BadRequest("The key must be base64url.");
        }

        var level = (ReadConsistency)consistency;
        if (cluster.RouteOf(shard, isWrite: false, level).Kind != RouteKind.Local) return Misdirected();
        var outcome = await cluster.ReadAsync(shard, keyBytes, level, http.RequestAborted);
        switch (outcome.Status)
        {
            case ReadStatus.Found:
                var headers = http.Response.Headers;
                headers[ContentTypeHeader] = Convert.ToBase64String(outcome.Entry.ContentType.Span);
                headers[VersionHeader] = outcome.Entry.Version.ToString(CultureInfo.InvariantCulture);
                if (outcome.Entry.ExpiresAtMs is { } at) headers[ExpiresHeader] = at.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Bytes(outcome.Entry.Value, "application/octet-stream");
            case ReadStatus.NotFound:
                return TypedResults.NotFound();
            default:
                return Misdirected();
        }
    }

    private static IResult Misdirected() => TypedResults.StatusCode(StatusCodes.Status421MisdirectedRequest);
}
