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
            _receivers[socket] = Task.Run(() => ReceiveAsync(socket, sink), CancellationToken.None);
        }
    }

    // One accepted connection: a hello, then batch frames until the peer closes or breaks the protocol.
    private async Task ReceiveAsync(Socket socket, IPeerMessageSink sink)
    {
        System.Net.EndPoint? remote = null;
        try
        {
            // Inside the try: the transport may be disposing (and closing this socket) as the connection arrives.
            remote = socket.RemoteEndPoint;
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var header = new byte[PeerFrame.HeaderBytes];
            ulong from;
            using (var helloDeadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
            {
                helloDeadline.CancelAfter(_limits.HelloTimeout);
                from = await ReadHelloAsync(stream, header, helloDeadline.Token);
            }
            while (!_stopping.IsCancellationRequested)
            {
                if (!await ReadFrameHeaderAsync(stream, header, _stopping.Token)) return;
                var (kind, length) = PeerFrame.ReadHeader(header, _limits);
                if (kind == PeerFrameKind.Hello) PeerProtocolException.Throw("a second hello on one connection");
                var payload = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    await stream.ReadExactlyAsync(payload.AsMemory(0, length), _stopping.Token);
                    var batch = PeerFrame.DecodeBatch(payload.AsSpan(0, length), _limits);
                    CheckAddressing(batch, from);
                    sink.Deliver(from, batch);
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
            _receivers.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private async Task<ulong> ReadHelloAsync(NetworkStream stream, byte[] header, CancellationToken cancellationToken)
    {
        if (!await ReadFrameHeaderAsync(stream, header, cancellationToken)) PeerProtocolException.Throw("closed before hello");
        var (kind, length) = PeerFrame.ReadHeader(header, _limits);
        if (kind != PeerFrameKind.Hello || length > 64) PeerProtocolException.Throw("the first frame must be a hello");
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        var (cluster, node) = PeerFrame.DecodeHello(payload);
        if (cluster != _clusterId) PeerProtocolException.Throw($"peer {node} belongs to cluster {cluster:x}, this node to {_clusterId:x}");
        return node;
    }

    // False on a clean end of stream between frames; a stream cut inside a header is a broken frame.
    private static async Task<bool> ReadFrameHeaderAsync(NetworkStream stream, byte[] header, CancellationToken cancellationToken)
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
