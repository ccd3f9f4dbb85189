// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Transport;

/// <summary>
/// A flush to one peer larger than the receiver's frame limit (catch-up appends of many groups at once) leaves as
/// several frames within the limit, in order, instead of one frame that closes the connection every group shares.
/// </summary>
public sealed class BatchSplitTests
{
    private static readonly PeerLimits Small = new() { MaxFrameBytes = 64 << 10, MaxMessagesPerFrame = 100 };

    private static GroupMessage Append(ulong group, int valueBytes) => new(group, new Message
    {
        Type = MessageType.Append, From = 1, To = 2, Term = 3, Index = group, LogTerm = 3, Commit = group,
        Entries = [new Entry(group + 1, 3, EntryType.Normal, Enumerable.Range(0, valueBytes).Select(i => (byte)(i + (int)group)).ToArray())],
    });

    [Fact]
    public void A_batch_within_the_limit_is_one_frame_as_before()
    {
        var batch = Enumerable.Range(1, 4).Select(g => Append((ulong)g, 1_000)).ToArray();

        var frames = PeerFrame.EncodeBatches(batch, Small);

        Assert.Equal(PeerFrame.EncodeBatch(batch), Assert.Single(frames));
    }

    [Theory]
    [InlineData(12, 20_000)] // 240 KB of entries against 64 KiB frames
    [InlineData(250, 10)] // 250 heartbeat-sized appends against 100 messages per frame
    public void A_batch_beyond_the_limits_leaves_as_frames_within_them_in_order(int messages, int valueBytes)
    {
        var batch = Enumerable.Range(1, messages).Select(g => Append((ulong)g, valueBytes)).ToArray();

        var frames = PeerFrame.EncodeBatches(batch, Small);

        Assert.True(frames.Length > 1, "split");
        var decoded = new List<GroupMessage>();
        foreach (var frame in frames)
        {
            var (kind, length) = PeerFrame.ReadHeader(frame, Small);
            Assert.Equal(PeerFrameKind.Batch, kind);
            decoded.AddRange(PeerFrame.DecodeBatch(frame.AsSpan(PeerFrame.HeaderBytes, length), Small));
        }
        Assert.Equal(batch.Select(m => m.GroupId), decoded.Select(m => m.GroupId));
        Assert.Equal(batch.Select(m => m.Message.Entries[0].Data.ToArray()), decoded.Select(m => m.Message.Entries[0].Data.ToArray()));
    }

    [Fact]
    public async Task A_flush_larger_than_the_frame_limit_arrives_whole_over_tcp_and_the_connection_stays()
    {
        // Injected: one Send of 12 appends of 20 KB (240 KB) to a receiver that refuses frames beyond 64 KiB.
        // Checked: all 12 arrive in order, and a heartbeat sent afterwards on the same connection arrives too (one
        // frame of 240 KB would have closed it, losing the appends and everything queued behind them).
        var sink = new CollectingSink();
        await using var receiver = new TcpPeerTransport(2, TcpPeerTransportTests.ClusterId, new IPEndPoint(IPAddress.Loopback, 0), Small, TcpPeerTransportTests.Secret, NullLogger.Instance);
        await receiver.StartAsync(sink, CancellationToken.None);
        await using var sender = new TcpPeerTransport(1, TcpPeerTransportTests.ClusterId, new IPEndPoint(IPAddress.Loopback, 0), Small, TcpPeerTransportTests.Secret, NullLogger.Instance);
        await sender.StartAsync(new CollectingSink(), CancellationToken.None);
        sender.SetPeer(2, receiver.LocalEndPoint.ToString());
        var batch = Enumerable.Range(1, 12).Select(g => Append((ulong)g, 20_000)).ToArray();

        Assert.True(sender.Send(2, batch));
        Assert.True(sender.Send(2, [new GroupMessage(99, new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 3 })]));

        for (var i = 0; i < batch.Length; i++)
        {
            var (_, received) = await sink.NextAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(batch[i].GroupId, received.GroupId);
            Assert.Equal(batch[i].Message.Entries[0].Data.ToArray(), received.Message.Entries[0].Data.ToArray());
        }
        var (_, heartbeat) = await sink.NextAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(MessageType.Heartbeat, heartbeat.Message.Type);
    }
}
