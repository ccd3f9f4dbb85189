// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Resp;

namespace RaftCache.Node.Resp;

/// <summary>What members ask each other about RESP over HTTP: a member's RESP address (cluster mode tells clients).</summary>
public static class RespInternalEndpoints
{
    public const string Prefix = "/internal/resp";

    public static void MapRespInternal(this IEndpointRouteBuilder app, RespOptions? options)
    {
        var group = app.MapGroup(Prefix).ExcludeFromDescription();
        // Cluster mode tells clients other members' RESP addresses; the address is not a secret.
        if (options is not null) group.MapGet("/address", () => $"{options.EndPoint.Address}:{options.EndPoint.Port}").AllowAnonymous();
    }
}
