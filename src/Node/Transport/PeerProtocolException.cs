// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using RaftCache.Codec;

namespace RaftCache.Node.Transport;

/// <summary>A peer sent bytes that break the protocol or its limits. The connection is closed; the node carries on.</summary>
public sealed class PeerProtocolException : Exception, IFormatErrors
{
    static Exception IFormatErrors.Create(string message) => new PeerProtocolException(message);

    public PeerProtocolException(string message) : base(message) { }

    public PeerProtocolException(string message, Exception inner) : base(message, inner) { }

    public PeerProtocolException() { }

    [DoesNotReturn]
    public static void Throw(string message) => throw new PeerProtocolException(message);
}

/// <summary>The peer completed the protocol but refused this node (wrong secret, not a member, removed); the message is its reason.</summary>
public sealed class PeerRefusedException : Exception
{
    public PeerRefusedException(string message) : base(message) { }

    public PeerRefusedException(string message, Exception inner) : base(message, inner) { }

    public PeerRefusedException() { }

    /// <summary>The peer proved it is a member and refused this node because it was removed from the cluster.</summary>
    public bool RemovedFromCluster { get; init; }
}
