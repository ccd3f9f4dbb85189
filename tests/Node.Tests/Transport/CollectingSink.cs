// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Threading.Channels;
using RaftCache.Node.Transport;

namespace RaftCache.Node.Tests.Transport;

/// <summary>Records deliveries so a test can await them (with a timeout) instead of sleeping.</summary>
internal sealed class CollectingSink : IPeerMessageSink
{
    private readonly Channel<(ulong From, GroupMessage Message)> _received = Channel.CreateUnbounded<(ulong, GroupMessage)>();

    public void Deliver(ulong fromNode, IReadOnlyList<GroupMessage> batch)
    {
        foreach (var message in batch) _received.Writer.TryWrite((fromNode, message));
    }

    private readonly Channel<(ulong From, PeerFrameKind Kind, byte[] Payload)> _forwards = Channel.CreateUnbounded<(ulong, PeerFrameKind, byte[])>();

    public void DeliverForward(ulong fromNode, PeerFrameKind kind, ReadOnlySpan<byte> payload) => _forwards.Writer.TryWrite((fromNode, kind, payload.ToArray()));

    public async Task<(ulong From, PeerFrameKind Kind, byte[] Payload)> NextForwardAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _forwards.Reader.ReadAsync(cts.Token);
    }

    public async Task<(ulong From, GroupMessage Message)> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(cts.Token);
    }

    public bool TryTake(out (ulong From, GroupMessage Message) item) => _received.Reader.TryRead(out item);
}
