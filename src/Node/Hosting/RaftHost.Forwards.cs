// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;

namespace RaftCache.Node.Hosting;

/// <summary>Receives a forward frame's payload; the span is valid only during the call.</summary>
public delegate void ForwardFrameHandler(ulong fromNode, PeerFrameKind kind, ReadOnlySpan<byte> payload);

public sealed partial class RaftHost
{
    /// <summary>Client requests and their replies from peers (on transport threads); not the loop's business.</summary>
    public ForwardFrameHandler? ForwardReceived { get; set; }

    public void DeliverForward(ulong fromNode, PeerFrameKind kind, ReadOnlySpan<byte> payload)
    {
        LastHeard[fromNode] = _time.GetUtcNow();
        ForwardReceived?.Invoke(fromNode, kind, payload);
    }

    /// <summary>Queues a forward frame on the ordered lane to a peer; safe from any thread.</summary>
    public bool SendForward(ulong toNode, PeerFrameKind kind, ReadOnlySpan<byte> payload) => _transport.SendForward(toNode, kind, payload);

    /// <summary>Raised when a connection to or from a peer ended (on a transport thread).</summary>
    public event Action<ulong>? PeerConnectionLost
    {
        add => _transport.ConnectionLost += value;
        remove => _transport.ConnectionLost -= value;
    }
}
