// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Transport;

/// <summary>
/// What every peer transport promises the host loop, run against each implementation (dotNext's
/// TransportTestSuite idea): batches arrive intact, tagged with their group, in order per destination;
/// sending never throws or blocks; a restarted peer is reached again.
/// </summary>
public abstract class PeerTransportContract
{
    /// <summary>Creates a started transport for <paramref name="nodeId"/> and returns it with its address.</summary>
    protected abstract Task<(IPeerTransport Transport, string Address)> StartAsync(ulong nodeId, IPeerMessageSink sink, string? address = null);

    /// <summary>Node 2 receiving into a sink, node 1 sending to it.</summary>
    private async Task<(IPeerTransport Receiver, IPeerTransport Sender, CollectingSink Sink)> StartPairAsync()
    {
        var sink = new CollectingSink();
        var (receiver, address) = await StartAsync(2, sink);
        var (sender, _) = await StartAsync(1, new CollectingSink());
        sender.SetPeer(2, address);
        return (receiver, sender, sink);
    }

    /// <summary>
    /// Sends heartbeats with rising commit indexes from node 1 to node 2 every 20 ms until one arrives at
    /// <paramref name="sink"/> (bounded: 15 s); returns the first that arrived.
    /// </summary>
    private static async Task<(ulong From, GroupMessage Message)> SendUntilOneArrivesAsync(IPeerTransport sender, CollectingSink sink, ulong firstCommit)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var commit = firstCommit;
        var arrived = Task.Run(() => sink.NextAsync(TimeSpan.FromSeconds(15)));
        while (!arrived.IsCompleted && !deadline.IsCancellationRequested)
        {
            sender.Send(2, [new GroupMessage(1, Heartbeat(1, 2, commit++))]);
            await Task.WhenAny(arrived, Task.Delay(20, deadline.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        }
        return await arrived;
    }

    private static Message Heartbeat(ulong from, ulong to, ulong commit) =>
        new() { Type = MessageType.Heartbeat, From = from, To = to, Term = 3, Commit = commit };

    [Fact]
    public async Task A_batch_arrives_intact_with_its_sender_and_group_ids()
    {
        var (receiver, sender, sink) = await StartPairAsync();
        await using (receiver)
        await using (sender)
        {
            var full = SampleMessages.Full(1, 2);

            Assert.True(sender.Send(2, [new GroupMessage(7, full), new GroupMessage(0, Heartbeat(1, 2, 5))]));

            var (from, first) = await sink.NextAsync();
            Assert.Equal(1UL, from);
            Assert.Equal(7UL, first.GroupId);
            SampleMessages.AssertSame(full, first.Message);
            var (_, second) = await sink.NextAsync();
            Assert.Equal(0UL, second.GroupId);
            Assert.Equal(5UL, second.Message.Commit);
        }
    }

    [Fact]
    public async Task Forward_frames_arrive_intact_with_their_kind_and_sender_in_the_order_sent()
    {
        var (receiver, sender, sink) = await StartPairAsync();
        await using (receiver)
        await using (sender)
        {
            var request = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();

            Assert.True(sender.SendForward(2, PeerFrameKind.Forward, request));
            Assert.True(sender.SendForward(2, PeerFrameKind.ForwardReply, [7, 8, 9]));
            Assert.False(sender.SendForward(9, PeerFrameKind.Forward, request)); // no such peer: never sent

            var (from, kind, payload) = await sink.NextForwardAsync();
            Assert.Equal((1UL, PeerFrameKind.Forward), (from, kind));
            Assert.Equal(request, payload);
            var (_, replyKind, reply) = await sink.NextForwardAsync();
            Assert.Equal(PeerFrameKind.ForwardReply, replyKind);
            Assert.Equal([7, 8, 9], reply);
        }
    }

    [Fact]
    public async Task Batches_to_one_peer_arrive_in_the_order_they_were_sent()
    {
        var (receiver, sender, sink) = await StartPairAsync();
        await using (receiver)
        await using (sender)
        {
            for (ulong i = 1; i <= 500; i++) Assert.True(sender.Send(2, [new GroupMessage(i % 3, Heartbeat(1, 2, i))]));

            for (ulong i = 1; i <= 500; i++)
            {
                var (_, message) = await sink.NextAsync();
                Assert.Equal(i, message.Message.Commit);
            }
        }
    }

    [Fact]
    public async Task Sending_to_an_unknown_peer_is_refused_without_throwing()
    {
        var (sender, _) = await StartAsync(1, new CollectingSink());
        await using (sender)
        {
            Assert.False(sender.Send(9, [new GroupMessage(1, Heartbeat(1, 9, 1))]));
            Assert.False(sender.IsConnected(9));
        }
    }

    [Fact]
    public async Task A_restarted_peer_is_reached_again_at_the_same_address()
    {
        var (sender, _) = await StartAsync(1, new CollectingSink());
        await using (sender)
        {
            var first = new CollectingSink();
            var (receiver, address) = await StartAsync(2, first);
            sender.SetPeer(2, address);
            sender.Send(2, [new GroupMessage(1, Heartbeat(1, 2, 1))]);
            Assert.Equal(1UL, (await first.NextAsync()).Message.Message.Commit);
            await receiver.DisposeAsync();

            var second = new CollectingSink();
            var (restarted, _) = await StartAsync(2, second, address);
            await using (restarted)
            {
                // Frames sent while the peer was down may be lost (Raft retransmits), so keep sending
                // until one arrives: the property under test is that the sender reconnects by itself.
                var (from, message) = await SendUntilOneArrivesAsync(sender, second, firstCommit: 100);
                Assert.Equal(1UL, from);
                Assert.True(message.Message.Commit >= 100);
                Assert.True(sender.IsConnected(2));
            }
        }
    }

    /// <summary>
    /// Injected: the peer goes down; the sender keeps sending heartbeats (commit 1, 2, …) until the transport
    /// refuses one (bounded), then the peer comes back at the same address. Checked: the first frame the returned
    /// peer receives is one sent after its return (commit ≥ 1000): nothing queued while it was unreachable is
    /// delivered stale. A sender that queued frames for the dead peer and delivered them on reconnect would let a
    /// restarted follower catch up from stale appends instead of a snapshot.
    /// </summary>
    [Fact]
    public async Task Frames_sent_while_a_peer_is_unreachable_are_refused_and_never_delivered_after_it_returns()
    {
        var (sender, _) = await StartAsync(1, new CollectingSink());
        await using (sender)
        {
            var first = new CollectingSink();
            var (receiver, address) = await StartAsync(2, first);
            sender.SetPeer(2, address);
            sender.Send(2, [new GroupMessage(1, Heartbeat(1, 2, 1))]);
            await first.NextAsync();
            await receiver.DisposeAsync();

            using (var refusedBy = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
            {
                ulong stale = 1;
                while (sender.Send(2, [new GroupMessage(1, Heartbeat(1, 2, ++stale))]))
                {
                    Assert.False(refusedBy.IsCancellationRequested, $"{stale} frames accepted for a peer that is down");
                    await Task.Delay(5, CancellationToken.None);
                }
            }

            var second = new CollectingSink();
            var (restarted, _) = await StartAsync(2, second, address);
            await using (restarted)
            {
                var (_, message) = await SendUntilOneArrivesAsync(sender, second, firstCommit: 1000);
                Assert.True(message.Message.Commit >= 1000, $"the returned peer first received a stale frame (commit {message.Message.Commit})");
            }
        }
    }
}

public sealed class InMemoryPeerTransportTests : PeerTransportContract
{
    private readonly InMemoryPeerNetwork _network = new();
    private int _next;

    protected override async Task<(IPeerTransport Transport, string Address)> StartAsync(ulong nodeId, IPeerMessageSink sink, string? address = null)
    {
        address ??= $"mem-{Interlocked.Increment(ref _next)}:1";
        var transport = _network.CreateTransport(nodeId, address);
        await transport.StartAsync(sink, CancellationToken.None);
        return (transport, address);
    }
}
