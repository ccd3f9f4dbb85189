// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Transport;

public sealed class TcpPeerTransportTests : PeerTransportContract
{
    internal const ulong ClusterId = 0xC0FFEE;

    /// <summary>The secret of the test cluster; every honest transport in these tests holds it.</summary>
    internal static readonly PeerCredentials Secret = PeerCredentials.FromSecret("transport tests cluster secret");

    protected override async Task<(IPeerTransport Transport, string Address)> StartAsync(ulong nodeId, IPeerMessageSink sink, string? address = null)
    {
        var endpoint = address is null ? new IPEndPoint(IPAddress.Loopback, 0) : IPEndPoint.Parse(address);
        var transport = new TcpPeerTransport(nodeId, ClusterId, endpoint, new PeerLimits(), Secret, NullLogger.Instance);
        await transport.StartAsync(sink, CancellationToken.None);
        return (transport, transport.LocalEndPoint.ToString());
    }

    [Fact]
    public async Task Outgoing_connections_come_from_the_nodes_own_loopback_address()
    {
        // Injected: a plain listener on 127.0.0.24 stands in for a peer. Checked: the connection's source is
        // the sender's own listen address 127.0.0.23, not the kernel's default 127.0.0.1, so partitions by
        // source address (iptables) cut exactly that node.
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.24"), 0));
        peer.Listen(1);
        await using var sender = new TcpPeerTransport(1, ClusterId, new IPEndPoint(IPAddress.Parse("127.0.0.23"), 0), new PeerLimits(), Secret, NullLogger.Instance);
        await sender.StartAsync(new CollectingSink(), CancellationToken.None);
        sender.SetPeer(2, peer.LocalEndPoint!.ToString()!);

        using var accepted = await peer.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(IPAddress.Parse("127.0.0.23"), ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }

    [Fact]
    public async Task A_heartbeat_sent_after_a_large_snapshot_overtakes_it()
    {
        // Injected: a 3 MiB snapshot message on a 1 MiB/s snapshot lane, then a heartbeat. Checked: the heartbeat
        // arrives first (snapshots have their own connection), and the snapshot arrives intact afterwards.
        var limits = new PeerLimits { SnapshotBytesPerSecond = 1 << 20 };
        var sink = new CollectingSink();
        await using var receiver = new TcpPeerTransport(2, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), limits, Secret, NullLogger.Instance);
        await receiver.StartAsync(sink, CancellationToken.None);
        await using var sender = new TcpPeerTransport(1, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), limits, Secret, NullLogger.Instance);
        await sender.StartAsync(new CollectingSink(), CancellationToken.None);
        sender.SetPeer(2, receiver.LocalEndPoint.ToString());
        var data = Enumerable.Range(0, 3 << 20).Select(i => (byte)i).ToArray();
        var snapshot = new Message
        {
            Type = MessageType.Snapshot, From = 1, To = 2, Term = 4,
            Snapshot = new Snapshot(new SnapshotMetadata(100, 4, new ConfState { Voters = [1, 2, 3] }), data),
        };

        Assert.True(sender.Send(2, [new GroupMessage(5, snapshot)]));
        Assert.True(sender.Send(2, [new GroupMessage(5, new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 4, Commit = 100 })]));

        var first = await sink.NextAsync(TimeSpan.FromSeconds(20));
        var second = await sink.NextAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(MessageType.Heartbeat, first.Message.Message.Type);
        Assert.Equal(MessageType.Snapshot, second.Message.Message.Type);
        Assert.Equal(data, second.Message.Message.Snapshot!.Data.ToArray());
    }

    [Fact]
    public async Task A_snapshot_larger_than_the_queue_limit_is_sent_when_nothing_else_waits()
    {
        // Injected: a 3 MiB snapshot message on a transport whose per-peer queue limit is 1 MiB (the shape of a
        // 68 MB shard snapshot against the default 64 MiB limit, as bench/run-rebalance.sh makes: refused, it would be
        // refused on every retry and the move would never finish). Checked: Send accepts it and it arrives intact; to
        // a peer that never answers the handshake (so nothing is dequeued) a second one behind the first is refused,
        // so a queue still holds at most one frame beyond its limit.
        var limits = new PeerLimits { MaxQueuedBytesPerPeer = 1 << 20, SnapshotBytesPerSecond = 1 << 20 };
        var sink = new CollectingSink();
        await using var receiver = new TcpPeerTransport(2, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), limits, Secret, NullLogger.Instance);
        await receiver.StartAsync(sink, CancellationToken.None);
        await using var sender = new TcpPeerTransport(1, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), limits, Secret, NullLogger.Instance);
        await sender.StartAsync(new CollectingSink(), CancellationToken.None);
        sender.SetPeer(2, receiver.LocalEndPoint.ToString());
        var data = Enumerable.Range(0, 3 << 20).Select(i => (byte)(i * 7)).ToArray();
        var snapshot = new Message
        {
            Type = MessageType.Snapshot, From = 1, To = 2, Term = 4,
            Snapshot = new Snapshot(new SnapshotMetadata(100, 4, new ConfState { Voters = [1, 2, 3] }), data),
        };

        // Listening but never accepting: the connection is made, the handshake never finishes, nothing is dequeued.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(1);
        sender.SetPeer(3, silent.LocalEndPoint!.ToString()!);

        Assert.True(sender.Send(2, [new GroupMessage(5, snapshot)]));
        Assert.True(sender.Send(3, [new GroupMessage(5, snapshot)]));
        Assert.False(sender.Send(3, [new GroupMessage(6, snapshot)]));

        var received = await sink.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(MessageType.Snapshot, received.Message.Message.Type);
        Assert.Equal(5UL, received.Message.GroupId);
        Assert.Equal(data, received.Message.Message.Snapshot!.Data.ToArray());
    }

    public static TheoryData<string> HostileStreams => new()
    {
        "batch before the handshake",
        "garbage instead of a hello",
        "oversized handshake frame",
        "oversized frame length",
        "message claiming another sender",
        "local Hup message",
        "garbage payload",
        "a second hello after the handshake",
    };

    [Theory]
    [MemberData(nameof(HostileStreams))]
    public async Task A_hostile_stream_closes_that_connection_and_the_node_keeps_serving_others(string attack)
    {
        var sink = new CollectingSink();
        var (node, address) = await StartAsync(2, sink);
        var (honest, _) = await StartAsync(1, new CollectingSink());
        await using (node)
        await using (honest)
        {
            // Injected: the attack's bytes on a raw connection; the last four come after an honest handshake by
            // a member holding the secret (a compromised or buggy member), the first three before any handshake.
            await using var attacker = await RawPeer.ConnectAsync(address);
            if (attack is "batch before the handshake" or "garbage instead of a hello" or "oversized handshake frame")
            {
                await attacker.ReadChallengeAsync();
            }
            else
            {
                var welcome = await attacker.HandshakeAsync(Secret, 1, 2, ClusterId);
                Assert.True(welcome?.Accepted);
            }
            await attacker.SendFrameAsync(HostileBytes(attack)); // sealed when after the handshake, as a member would


            // Checked: the node closes the attacker's connection...
            Assert.True(await attacker.ClosedByPeerAsync());

            // ...delivered nothing from it, and still serves an honest peer.
            honest.SetPeer(2, address);
            honest.Send(2, [new GroupMessage(4, new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 1, Commit = 42 })]);
            var (from, message) = await sink.NextAsync();
            Assert.Equal(1UL, from);
            Assert.Equal(42UL, message.Message.Commit);
        }
    }

    private static byte[] HostileBytes(string attack)
    {
        var heartbeat = new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 1 };
        return attack switch
        {
            "batch before the handshake" => PeerFrame.EncodeBatch([new GroupMessage(1, heartbeat)]),
            "garbage instead of a hello" => Concat(Header(3, PeerFrameKind.Hello), [0xFF, 0xFF, 0xFF]),
            "oversized handshake frame" => Header(PeerFrame.MaxHandshakeFrameBytes + 1, PeerFrameKind.Hello),
            "oversized frame length" => Header(uint.MaxValue, PeerFrameKind.Batch),
            "message claiming another sender" => PeerFrame.EncodeBatch([new GroupMessage(1, heartbeat with { From = 3 })]),
            "local Hup message" => PeerFrame.EncodeBatch([new GroupMessage(1, heartbeat with { Type = MessageType.Hup })]),
            "garbage payload" => Concat(Header(3, PeerFrameKind.Batch), [0xFF, 0xFF, 0xFF]),
            "a second hello after the handshake" => Concat(Header(3, PeerFrameKind.Hello), [2, 0, 0]),
            _ => throw new ArgumentOutOfRangeException(nameof(attack)),
        };
    }

    internal static byte[] Header(uint length, PeerFrameKind kind)
    {
        var header = new byte[PeerFrame.HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, length);
        header[4] = (byte)kind;
        return header;
    }

    internal static byte[] Concat(params byte[][] parts)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var part in parts) buffer.Write(part);
        return buffer.WrittenSpan.ToArray();
    }
}
