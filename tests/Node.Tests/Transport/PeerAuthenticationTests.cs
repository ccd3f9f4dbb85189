// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RaftCache.Node.Transport;
using RaftCache.Raft;
using static RaftCache.Node.Tests.Transport.TcpPeerTransportTests;

namespace RaftCache.Node.Tests.Transport;

/// <summary>
/// The peer handshake (docs/peer-protocol.md, "Handshake"): only a node that proves it knows the cluster secret,
/// and that the admission rule accepts, gets frames delivered; the dialer also checks the receiver's proof.
/// Each test injects one kind of impostor and checks that nothing it sent reached the sink.
/// </summary>
public sealed class PeerAuthenticationTests
{
    private static readonly PeerCredentials WrongSecret = PeerCredentials.FromSecret("some other cluster's secret");

    private static Message Heartbeat(ulong from, ulong to, ulong commit) => new() { Type = MessageType.Heartbeat, From = from, To = to, Term = 7, Commit = commit };

    private static async Task<TcpPeerTransport> StartAsync(ulong node, PeerCredentials credentials, IPeerMessageSink sink, ILogger? logger = null)
    {
        var transport = new TcpPeerTransport(node, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), new PeerLimits(), credentials, logger ?? NullLogger.Instance);
        await transport.StartAsync(sink, CancellationToken.None);
        return transport;
    }

    [Fact]
    public async Task Members_with_the_same_secret_authenticate_both_ways_and_exchange_frames()
    {
        var sink = new CollectingSink();
        await using var receiver = await StartAsync(2, Secret, sink);
        await using var sender = await StartAsync(1, Secret, new CollectingSink());
        sender.SetPeer(2, receiver.LocalEndPoint.ToString());

        Assert.True(sender.Send(2, [new GroupMessage(3, Heartbeat(1, 2, 11))]));

        var (from, message) = await sink.NextAsync();
        Assert.Equal(1UL, from);
        Assert.Equal(11UL, message.Message.Commit);
    }

    public static TheoryData<string> Impostors => new() { "wrong secret", "no secret (--insecure-peers)" };

    [Theory]
    [MemberData(nameof(Impostors))]
    public async Task A_transport_without_the_secret_is_refused_and_delivers_nothing(string impostor)
    {
        // Injected: a real transport for node 1 holding a wrong secret or none, dialling node 2 and sending
        // heartbeats and a vote request (which could otherwise disturb a term). Checked: both sides log the
        // refusal with its reason, the dialer never counts as connected, and node 2's sink receives nothing,
        // while an honest node 3 gets through at the same time (so "nothing" is not just slowness).
        var sink = new CollectingSink();
        var receiverLog = new ListLogger();
        var dialerLog = new ListLogger();
        await using var receiver = await StartAsync(2, Secret, sink, receiverLog);
        var credentials = impostor == "wrong secret" ? WrongSecret : PeerCredentials.Insecure;
        await using var outsider = await StartAsync(1, credentials, new CollectingSink(), dialerLog);
        outsider.SetPeer(2, receiver.LocalEndPoint.ToString());
        outsider.Send(2, [new GroupMessage(0, Heartbeat(1, 2, 99)), new GroupMessage(0, new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 1000 })]);

        var expected = impostor == "wrong secret" ? "does not match this node's cluster secret" : "runs without a cluster secret";
        Assert.True(await receiverLog.WaitForAsync(expected), string.Join("\n", receiverLog.Lines));
        Assert.True(await dialerLog.WaitForAsync("refused this node: " + (impostor == "wrong secret" ? "node 1 failed authentication" : "node 1 runs without")), string.Join("\n", dialerLog.Lines));
        Assert.False(outsider.IsConnected(2));

        await using var honest = await StartAsync(3, Secret, new CollectingSink());
        honest.SetPeer(2, receiver.LocalEndPoint.ToString());
        honest.Send(2, [new GroupMessage(0, Heartbeat(3, 2, 5))]);
        var (from, _) = await sink.NextAsync();
        Assert.Equal(3UL, from);
        Assert.False(sink.TryTake(out var leaked), $"delivered from an impostor: {leaked}");
    }

    [Fact]
    public async Task A_wrong_proof_is_answered_with_a_refusal_and_the_connection_closes()
    {
        // Injected: a raw hello for node 1 with a proof made from a wrong secret. Checked: a refusal naming
        // authentication, then the close; nothing delivered.
        var sink = new CollectingSink();
        await using var receiver = await StartAsync(2, Secret, sink);
        await using var attacker = await RawPeer.ConnectAsync(receiver.LocalEndPoint.ToString());

        var welcome = await attacker.HandshakeAsync(WrongSecret, 1, 2, ClusterId);

        Assert.NotNull(welcome);
        Assert.False(welcome.Accepted);
        Assert.Contains("failed authentication", welcome.Reason, StringComparison.Ordinal);
        await attacker.SendAsync(PeerFrame.EncodeBatch([new GroupMessage(0, Heartbeat(1, 2, 1))]));
        Assert.True(await attacker.ClosedByPeerAsync());
        Assert.False(sink.TryTake(out _));
    }

    [Fact]
    public async Task A_recorded_hello_replayed_on_a_new_connection_is_refused()
    {
        // Injected: an eavesdropper records node 1's honest hello and replays it on its own connection, followed
        // by a heartbeat. Checked: the replay fails (the receiver's nonce is new), and only the honest
        // connection's frame is ever delivered.
        var sink = new CollectingSink();
        await using var receiver = await StartAsync(2, Secret, sink);
        await using var honest = await RawPeer.ConnectAsync(receiver.LocalEndPoint.ToString());
        Assert.True((await honest.HandshakeAsync(Secret, 1, 2, ClusterId))?.Accepted);

        await using var replayer = await RawPeer.ConnectAsync(receiver.LocalEndPoint.ToString());
        await replayer.ReadChallengeAsync();
        await replayer.SendAsync(honest.SentHello);
        var welcome = await replayer.ReadWelcomeAsync();
        await replayer.SendAsync(PeerFrame.EncodeBatch([new GroupMessage(0, Heartbeat(1, 2, 666))]));

        Assert.False(welcome?.Accepted ?? false);
        Assert.True(await replayer.ClosedByPeerAsync());
        await honest.SendFrameAsync(PeerFrame.EncodeBatch([new GroupMessage(0, Heartbeat(1, 2, 1))]));
        var (_, message) = await sink.NextAsync();
        Assert.Equal(1UL, message.Message.Commit);
        Assert.False(sink.TryTake(out _));
    }

    [Fact]
    public async Task A_node_the_admission_rule_calls_removed_is_told_why_and_logs_it()
    {
        // Injected: an admission rule that calls node 4 removed; node 4 holds the right secret. Checked: node 4
        // logs the reason it was sent ("removed ... wipe its data folder"), and nothing it sent is delivered,
        // while member node 1 is admitted by the same rule.
        var sink = new CollectingSink();
        await using var receiver = await StartAsync(2, Secret, sink);
        receiver.Admission = node => node == 4 ? PeerAdmission.Removed(node, ClusterId) : PeerAdmission.Admit;
        var removedLog = new ListLogger();
        await using var removed = await StartAsync(4, Secret, new CollectingSink(), removedLog);
        removed.SetPeer(2, receiver.LocalEndPoint.ToString());
        removed.Send(2, [new GroupMessage(0, Heartbeat(4, 2, 4))]);

        Assert.True(await removedLog.WaitForAsync("node 4 was removed from cluster c0ffee: wipe its data folder and add it again"), string.Join("\n", removedLog.Lines));

        await using var member = await StartAsync(1, Secret, new CollectingSink());
        member.SetPeer(2, receiver.LocalEndPoint.ToString());
        member.Send(2, [new GroupMessage(0, Heartbeat(1, 2, 1))]);
        var (from, _) = await sink.NextAsync();
        Assert.Equal(1UL, from);
        Assert.False(sink.TryTake(out _));
        Assert.False(removed.IsConnected(2));
    }

    [Fact]
    public async Task An_unknown_node_id_is_refused_even_with_the_secret()
    {
        var sink = new CollectingSink();
        await using var receiver = await StartAsync(2, Secret, sink);
        receiver.Admission = node => node is 1 or 3 ? PeerAdmission.Admit : PeerAdmission.Unknown(node, ClusterId);
        await using var stranger = await RawPeer.ConnectAsync(receiver.LocalEndPoint.ToString());

        var welcome = await stranger.HandshakeAsync(Secret, 9, 2, ClusterId);

        Assert.False(welcome?.Accepted ?? true);
        Assert.Contains("node 9 is not a member", welcome!.Reason, StringComparison.Ordinal);
        Assert.True(await stranger.ClosedByPeerAsync());
    }

    [Fact]
    public async Task The_dialer_refuses_an_impostor_receiver_and_sends_it_no_frames()
    {
        // Injected: a fake "node 2" without the secret listening where node 2 should be; it challenges properly,
        // then accepts the hello with a made-up proof. Checked: node 1 never counts as connected and never sends
        // the impostor a batch (what it would have read after the welcome), and logs why.
        using var fake = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        fake.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        fake.Listen(4);
        var log = new ListLogger();
        await using var dialer = await StartAsync(1, Secret, new CollectingSink(), log);
        dialer.SetPeer(2, fake.LocalEndPoint!.ToString()!);
        dialer.Send(2, [new GroupMessage(0, Heartbeat(1, 2, 1))]);

        using var accepted = await fake.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await using var stream = new NetworkStream(accepted, ownsSocket: false);
        await stream.WriteAsync(PeerHandshake.EncodeChallenge(new PeerChallenge(true, ClusterId, 2, PeerCredentials.NewNonce())));
        var header = new byte[PeerFrame.HeaderBytes];
        await stream.ReadExactlyAsync(header);
        Assert.Equal(PeerFrameKind.Hello, (PeerFrameKind)header[4]);
        await stream.ReadExactlyAsync(new byte[BitConverter.ToUInt32(header)]);
        await stream.WriteAsync(PeerHandshake.EncodeWelcome(new PeerWelcome(true, new byte[PeerCredentials.ProofBytes], "")));

        Assert.True(await log.WaitForAsync("not a member"), string.Join("\n", log.Lines));
        var after = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var read = 0;
        try
        {
            read = await stream.ReadAsync(after, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
        }
        Assert.Equal(0, read);
        Assert.False(dialer.IsConnected(2));
    }

    [Fact]
    public async Task A_connection_that_never_completes_the_handshake_is_closed_after_the_timeout()
    {
        var limits = new PeerLimits { HelloTimeout = TimeSpan.FromMilliseconds(300) };
        var log = new ListLogger();
        await using var receiver = new TcpPeerTransport(2, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), limits, Secret, log);
        await receiver.StartAsync(new CollectingSink(), CancellationToken.None);
        await using var silent = await RawPeer.ConnectAsync(receiver.LocalEndPoint.ToString());

        await silent.ReadChallengeAsync();

        Assert.True(await silent.ClosedByPeerAsync());
        Assert.True(await log.WaitForAsync("no handshake within"));
    }

    [Fact]
    public async Task Beyond_the_pending_handshake_limit_a_newcomer_is_closed_at_once_until_a_slot_frees()
    {
        // Injected: two silent connections fill MaxPendingHandshakes = 2, a third arrives. Checked: the third is
        // closed without a challenge; once one silent connection goes away, a newcomer is challenged again.
        var limits = new PeerLimits { MaxPendingHandshakes = 2, HelloTimeout = TimeSpan.FromSeconds(30) };
        await using var receiver = new TcpPeerTransport(2, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), limits, Secret, NullLogger.Instance);
        await receiver.StartAsync(new CollectingSink(), CancellationToken.None);
        var address = receiver.LocalEndPoint.ToString();
        var first = await RawPeer.ConnectAsync(address);
        await first.ReadChallengeAsync();
        await using var second = await RawPeer.ConnectAsync(address);
        await second.ReadChallengeAsync();

        await using (var third = await RawPeer.ConnectAsync(address)) Assert.Null(await third.ReadFrameAsync());

        await first.DisposeAsync();
        var challenged = false;
        for (var attempt = 0; attempt < 50 && !challenged; attempt++)
        {
            await using var next = await RawPeer.ConnectAsync(address);
            challenged = await next.ReadFrameAsync() is { Kind: PeerFrameKind.Challenge };
            if (!challenged) await Task.Delay(50); // the receiver notices the closed connection asynchronously
        }
        Assert.True(challenged);
    }
}
