// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Api;

/// <summary>Where an admin request for a shard is served: here, at the leader's REST endpoint, or nowhere right now.</summary>
public readonly record struct ShardRoute(RouteKind Kind, Uri? Leader, string? Detail)
{
    public static ShardRoute Local => new(RouteKind.Local, null, null);

    public static ShardRoute Forward(Uri leader) => new(RouteKind.Forward, leader, null);

    public static ShardRoute Unavailable(string detail) => new(RouteKind.Unavailable, null, detail);
}

public enum RouteKind
{
    Local = 0,
    Forward = 1,
    Unavailable = 2,
}
