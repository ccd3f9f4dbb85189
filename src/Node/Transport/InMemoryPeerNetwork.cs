// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Threading.Channels;

namespace RaftCache.Node.Transport;

/// <summary>
/// An in-process network for tests and benchmarks: transports created here deliver to each other through
/// channels, asynchronously and in order per destination, like the TCP transport but without sockets.
/// Frames are encoded and decoded, so the codec is exercised exactly as on the wire.
/// </summary>
public sealed class InMemoryPeerNetwork
{
    private readonly ConcurrentDictionary<string, InMemoryPeerTransport> _listeners = new();

    public PeerLimits Limits { get; init; } = new();

    public IPeerTransport CreateTransport(ulong nodeId, string address) => new InMemoryPeerTransport(this, nodeId, address);

    private sealed class InMemoryPeerTransport(InMemoryPeerNetwork network, ulong nodeId, string address) : IPeerTransport
    {
        private readonly ConcurrentDictionary<ulong, string> _peers = new();
        private readonly Channel<(ulong From, byte[] Frame)> _inbox = Channel.CreateUnbounded<(ulong, byte[])>(new() { SingleReader = true });
        private Task _delivery = Task.CompletedTask;

        public ulong NodeId => nodeId;

        public Task StartAsync(IPeerMessageSink sink, CancellationToken cancellationToken)
        {
            if (!network._listeners.TryAdd(address, this)) throw new InvalidOperationException($"address {address} is in use");
            _delivery = Task.Run(() => DeliverAsync(sink), CancellationToken.None);
            return Task.CompletedTask;
        }

        private async Task DeliverAsync(IPeerMessageSink sink)
        {
            await foreach (var (from, frame) in _inbox.Reader.ReadAllAsync())
            {
                var (kind, length) = PeerFrame.ReadHeader(frame, network.Limits);
                var payload = frame.AsSpan(PeerFrame.HeaderBytes, length);
                if (kind is PeerFrameKind.Forward or PeerFrameKind.ForwardReply) sink.DeliverForward(from, kind, payload);
                else sink.Deliver(from, PeerFrame.DecodeBatch(payload, network.Limits));
            }
        }

        public void SetPeer(ulong peer, string peerAddress) => _peers[peer] = peerAddress;

        public void RemovePeer(ulong peer) => _peers.TryRemove(peer, out _);

        public bool Send(ulong toNode, IReadOnlyList<GroupMessage> batch)
        {
            if (!_peers.TryGetValue(toNode, out var peerAddress)) return false;
            if (!network._listeners.TryGetValue(peerAddress, out var target)) return false;
            return target._inbox.Writer.TryWrite((nodeId, PeerFrame.EncodeBatch(batch)));
        }

        public bool SendForward(ulong toNode, PeerFrameKind kind, ReadOnlySpan<byte> payload)
        {
            if (!_peers.TryGetValue(toNode, out var peerAddress)) return false;
            if (!network._listeners.TryGetValue(peerAddress, out var target)) return false;
            return target._inbox.Writer.TryWrite((nodeId, PeerFrame.Frame(kind, payload)));
        }

        public bool IsConnected(ulong peer) =>
            _peers.TryGetValue(peer, out var peerAddress) && network._listeners.ContainsKey(peerAddress);

        public async ValueTask DisposeAsync()
        {
            network._listeners.TryRemove(new KeyValuePair<string, InMemoryPeerTransport>(address, this));
            _inbox.Writer.TryComplete();
            await _delivery;
        }
    }
}
