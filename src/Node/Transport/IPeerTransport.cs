// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Transport;

/// <summary>Receives batches from peers. Called on transport threads: implementations must be thread-safe and must not block.</summary>
public interface IPeerMessageSink
{
    void Deliver(ulong fromNode, IReadOnlyList<GroupMessage> batch);
}

/// <summary>
/// The narrow seam between the node's host loop and the network (STYLE.md point 12). One implementation
/// runs over TCP, one in memory; both pass the same contract tests. Delivery is best effort and in order per
/// destination: Raft tolerates loss, so a full queue drops instead of blocking the host loop.
/// </summary>
public interface IPeerTransport : IAsyncDisposable
{
    ulong NodeId { get; }

    /// <summary>Starts accepting peers' frames; they arrive at <paramref name="sink"/>.</summary>
    Task StartAsync(IPeerMessageSink sink, CancellationToken cancellationToken);

    /// <summary>Sets (or changes) where a peer listens, e.g. "127.0.0.12:7000".</summary>
    void SetPeer(ulong nodeId, string address);

    /// <summary>Stops sending to a peer (its queued frames are dropped) and closes the connections it opened to this node.</summary>
    void RemovePeer(ulong nodeId);

    /// <summary>Queues one batch for <paramref name="toNode"/>. Never blocks; false when it was dropped (unknown peer, full queue).</summary>
    bool Send(ulong toNode, IReadOnlyList<GroupMessage> batch);

    /// <summary>True while a connection to the peer is established (used to report unreachable peers to Raft).</summary>
    bool IsConnected(ulong nodeId);
}
