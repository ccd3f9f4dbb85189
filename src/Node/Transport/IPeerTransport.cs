// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Transport;

/// <summary>Writes exactly <c>destination.Length</c> bytes into <paramref name="destination"/>, or throws.</summary>
public delegate void SpanFill(Span<byte> destination);

/// <summary>Receives batches from peers. Called on transport threads: implementations must be thread-safe and must not block.</summary>
public interface IPeerMessageSink
{
    void Deliver(ulong fromNode, IReadOnlyList<GroupMessage> batch);

    /// <summary>
    /// A <see cref="PeerFrameKind.Forward"/> or <see cref="PeerFrameKind.ForwardReply"/> frame's payload. The span is only
    /// valid during the call: copy what outlives it. Throw <see cref="PeerProtocolException"/> for a payload that does
    /// not decode (the connection is closed).
    /// </summary>
    void DeliverForward(ulong fromNode, PeerFrameKind kind, ReadOnlySpan<byte> payload)
    {
    }
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

    /// <summary>
    /// Queues one batch for <paramref name="toNode"/>. Never blocks; false when it was dropped (unknown peer, full queue).
    /// Safe from any thread: the host sends snapshots from its snapshot executor while the loop sends the rest.
    /// </summary>
    bool Send(ulong toNode, IReadOnlyList<GroupMessage> batch);

    /// <summary>
    /// Queues one <see cref="Raft.MessageType.Snapshot"/> message (its snapshot's bytes left empty) whose
    /// <paramref name="length"/> bytes <paramref name="fill"/> writes, from the snapshot's file: a transport that frames
    /// it reads them straight into the frame, so a shard's snapshot (tens of megabytes) is not copied once more. By
    /// default they are read into an array of their own and sent with <see cref="Send"/>. What <paramref name="fill"/>
    /// throws (an unreadable file) reaches the caller, and nothing is queued.
    /// </summary>
    bool SendSnapshot(ulong toNode, GroupMessage item, int length, SpanFill fill)
    {
        var data = GC.AllocateUninitializedArray<byte>(length);
        fill(data);
        var snapshot = item.Message.Snapshot ?? throw new ArgumentException("a snapshot message without its snapshot", nameof(item));
        return Send(toNode, [item with { Message = item.Message with { Snapshot = snapshot with { Data = data } } }]);
    }

    /// <summary>True while a connection to the peer is established (used to report unreachable peers to Raft).</summary>
    bool IsConnected(ulong nodeId);

    /// <summary>
    /// Queues a <see cref="PeerFrameKind.Forward"/> or <see cref="PeerFrameKind.ForwardReply"/> frame on the ordered
    /// lane to <paramref name="toNode"/>. Safe from any thread; never blocks; false when it was not queued, so the
    /// peer certainly never sees it. A transport that cannot carry them refuses every one.
    /// </summary>
    bool SendForward(ulong toNode, PeerFrameKind kind, ReadOnlySpan<byte> payload) => false;

    /// <summary>
    /// Raised (on a transport thread) when a connection to or from the peer ended: a forward queued before may or may
    /// not have arrived, and its reply may never come.
    /// </summary>
    event Action<ulong>? ConnectionLost
    {
        add { }
        remove { }
    }
}
