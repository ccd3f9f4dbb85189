// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace RaftCache.Resp;

/// <summary>How the RESP listener runs (docs/resp.md).</summary>
public sealed record RespOptions
{
    public required IPEndPoint EndPoint { get; init; }

    /// <summary>
    /// TLS when set: asked for the certificate at every handshake (the node's REST certificate, re-read when its files
    /// change, so a renewed certificate is served without a restart).
    /// </summary>
    public Func<X509Certificate2>? Certificate { get; init; }

    /// <summary>Cluster mode: CLUSTER SLOTS/SHARDS/NODES, MOVED and CROSSSLOT; otherwise proxy mode.</summary>
    public bool ClusterMode { get; init; }

    /// <summary>The read consistency of a connection that did not send READONLY.</summary>
    public RespConsistency ReadConsistency { get; init; } = RespConsistency.Linearizable;

    /// <summary>Largest value a write may carry (the node's --max-value-bytes).</summary>
    public int MaxValueBytes { get; init; } = 1 << 20;

    public RespLimits Limits { get; init; } = new();
}
