// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Net.Sockets;

namespace RaftCache.Node.Transport;

public sealed partial class TcpPeerTransport
{
    private async Task AcceptLoopAsync(Socket listener, IPeerMessageSink sink)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            socket.NoDelay = true;

            // Unauthenticated connections are bounded: beyond the limit a newcomer is closed at once, so a flood of
            // idle connections cannot hold a thread or a buffer each for the whole handshake timeout.
            if (Interlocked.Increment(ref _pendingHandshakes) > _limits.MaxPendingHandshakes)
            {
                Interlocked.Decrement(ref _pendingHandshakes);
                LogRefusedPeer(_logger, SafeRemote(socket), $"more than {_limits.MaxPendingHandshakes} handshakes pending (PeerLimits.MaxPendingHandshakes)");
                socket.Dispose();
                continue;
            }
            _receivers[socket] = Task.Run(() => ReceiveAsync(socket, sink), CancellationToken.None);
        }
    }

    private static System.Net.EndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    // One accepted connection: the handshake, then batch frames until the peer closes or breaks the protocol.
    private async Task ReceiveAsync(Socket socket, IPeerMessageSink sink)
    {
        System.Net.EndPoint? remote = null;
        var handshaking = true;
        try
        {
            // Inside the try: the transport may be disposing (and closing this socket) as the connection arrives.
            remote = socket.RemoteEndPoint;
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var header = new byte[PeerFrame.HeaderBytes];
            ulong from;
            PeerChannel? channel;
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                deadline.CancelAfter(_limits.HelloTimeout);
                (from, channel) = await AcceptHandshakeAsync(stream, header, deadline.Token);
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                throw new PeerProtocolException($"no handshake within {_limits.HelloTimeout.TotalSeconds:0.#} s (PeerLimits.HelloTimeout)");
            }
            finally
            {
                handshaking = false;
                Interlocked.Decrement(ref _pendingHandshakes);
            }
            using var owned = channel;
            _admittedFrom[socket] = from;
            while (!_stopping.IsCancellationRequested)
            {
                if (!await ReadFrameHeaderAsync(stream, header, _stopping.Token)) return;
                var (kind, length) = PeerFrame.ReadHeader(header, _limits, channel is null ? 0 : PeerChannel.TagBytes);
                if (kind is not (PeerFrameKind.Batch or PeerFrameKind.SnapshotBatch or PeerFrameKind.Forward or PeerFrameKind.ForwardReply)
                    && !(kind is PeerFrameKind.Record && channel is not null))
                    PeerProtocolException.Throw($"a {kind} frame after the handshake");
                if (kind is PeerFrameKind.SnapshotBatch)
                {
                    await ReceiveSnapshotAsync(stream, header, length, channel, from, sink);
                    continue;
                }
                var payload = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    await stream.ReadExactlyAsync(payload.AsMemory(0, length), _stopping.Token);
                    // Opened in place: GCM decrypts a buffer onto itself.
                    if (channel is not null) length = channel.Open(header, payload.AsSpan(0, length), payload);
                    if (kind is not PeerFrameKind.Record)
                    {
                        Deliver(from, kind, payload.AsSpan(0, length), sink);
                        continue;
                    }
                    // A record authenticated whole; its frames are delivered in the order they were queued.
                    var record = new PeerRecord.Reader(payload.AsSpan(0, length), _limits);
                    while (record.TryNext(out var inner, out var framePayload)) Deliver(from, inner, framePayload, sink);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(payload);
                }
            }
        }
        catch (PeerProtocolException e)
        {
            LogReceiveClosed(_logger, remote, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
        {
            // The peer went away or this node is stopping: nothing to report beyond the closed connection.
        }
        finally
        {
            if (handshaking) Interlocked.Decrement(ref _pendingHandshakes); // failed before the handshake began
            _receivers.TryRemove(socket, out _);
            // Replies from that peer came this way: whatever it still owed this node may never arrive.
            if (_admittedFrom.TryRemove(socket, out var lost) && !_stopping.IsCancellationRequested) ConnectionLost?.Invoke(lost);
            socket.Dispose();
        }
    }

    // A snapshot frame is read into an array of its own, not a pooled one, and the snapshot's bytes stay where they
    // were read: the message keeps that array, so a shard's snapshot (tens of megabytes) is not copied again on its way
    // to the state machine. Its size was checked against PeerLimits.MaxSnapshotFrameBytes with the header.
    private async Task ReceiveSnapshotAsync(NetworkStream stream, byte[] header, int length, PeerChannel? channel, ulong from, IPeerMessageSink sink)
    {
        var payload = GC.AllocateUninitializedArray<byte>(length);
        await stream.ReadExactlyAsync(payload, _stopping.Token);
        if (channel is not null) length = channel.Open(header, payload, payload);
        DeliverBatch(from, PeerFrame.DecodeBatch(payload.AsMemory(0, length), _limits), length, sink);
    }

    private void Deliver(ulong from, PeerFrameKind kind, ReadOnlySpan<byte> payload, IPeerMessageSink sink)
    {
        if (kind is PeerFrameKind.Forward or PeerFrameKind.ForwardReply)
        {
            sink.DeliverForward(from, kind, payload);
            Traffic.Received(from, PeerFrame.HeaderBytes + payload.Length);
            return;
        }
        DeliverBatch(from, PeerFrame.DecodeBatch(payload, _limits), payload.Length, sink);
    }

    private void DeliverBatch(ulong from, List<GroupMessage> batch, int payloadLength, IPeerMessageSink sink)
    {
        CheckAddressing(batch, from);
        Traffic.Received(from, PeerFrame.HeaderBytes + payloadLength);
        sink.Deliver(from, batch);
    }

    // False on a clean end of stream between frames; a stream cut inside a header is a broken frame.
    internal static async Task<bool> ReadFrameHeaderAsync(NetworkStream stream, byte[] header, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == 0) return false;
        if (read < header.Length) PeerProtocolException.Throw("connection cut inside a frame header");
        return true;
    }

    // A peer speaks only for itself and only to this node: a message claiming another sender is refused.
    private void CheckAddressing(List<GroupMessage> batch, ulong from)
    {
        foreach (var (_, message) in batch)
        {
            if (message.From != from) PeerProtocolException.Throw($"node {from} sent a message from {message.From}");
            if (message.To != NodeId) PeerProtocolException.Throw($"node {from} sent a message for {message.To} to node {NodeId}");
        }
    }
}
