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
/// How a removed node learns it was removed from its peers (docs/peer-protocol.md, "Handshake"): a member that
/// refuses it as removed proves the verdict with the cluster secret, the node is told through
/// <see cref="TcpPeerTransport.RemovedFromCluster"/>, and nobody else can make a node believe it was removed.
/// </summary>
public sealed class PeerRemovalTests
{
    private static Message Heartbeat(ulong from, ulong to, ulong commit) => new() { Type = MessageType.Heartbeat, From = from, To = to, Term = 7, Commit = commit };

    private static async Task<TcpPeerTransport> StartAsync(ulong node, IPeerMessageSink sink, ILogger? logger = null, Action<ulong, string>? removed = null)
    {
        var transport = new TcpPeerTransport(node, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), new PeerLimits(), Secret, logger ?? NullLogger.Instance)
        {
            RemovedFromCluster = removed,
        };
        await transport.StartAsync(sink, CancellationToken.None);
        return transport;
    }

    [Fact]
    public void A_removal_verdict_round_trips_and_a_plain_refusal_carries_none()
    {
        var proof = Enumerable.Range(0, PeerCredentials.ProofBytes).Select(i => (byte)i).ToArray();
        var removed = PeerHandshake.DecodeWelcome(PeerHandshake.EncodeWelcome(new PeerWelcome(false, [], "gone") { RemovedProof = proof }).AsSpan(PeerFrame.HeaderBytes));
        var plain = PeerHandshake.DecodeWelcome(PeerHandshake.EncodeWelcome(new PeerWelcome(false, [], "who?")).AsSpan(PeerFrame.HeaderBytes));

        Assert.Equal("gone", removed.Reason);
        Assert.Equal(proof, removed.RemovedProof);
        Assert.Equal("who?", plain.Reason);
        Assert.Null(plain.RemovedProof);
    }

    [Fact]
    public async Task A_member_refusing_a_removed_node_proves_it_and_the_node_is_told()
    {
        // Injected: node 2's admission rule calls node 4 removed. Checked: node 4's transport reports the removal,
        // naming node 2 and the reason it sent.
        await using var receiver = await StartAsync(2, new CollectingSink());
        receiver.Admission = node => node == 4 ? PeerAdmission.Removed(node, ClusterId) : PeerAdmission.Admit;
        var told = new TaskCompletionSource<(ulong Peer, string Reason)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var removed = await StartAsync(4, new CollectingSink(), removed: (peer, reason) => told.TrySetResult((peer, reason)));
        removed.SetPeer(2, receiver.LocalEndPoint.ToString());
        removed.Send(2, [new GroupMessage(0, Heartbeat(4, 2, 4))]);

        var (peer, reason) = await told.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2UL, peer);
        Assert.Contains("node 4 was removed from cluster c0ffee", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removal_verdict_without_the_secrets_proof_is_not_believed()
    {
        // Injected: a fake "node 2" without the secret at node 2's address; it challenges, reads the hello and refuses
        // with a removal verdict whose proof it had to make up. Checked: node 1 logs the refusal it was sent (so the
        // verdict was read) but is not told it was removed.
        using var fake = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        fake.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        fake.Listen(4);
        var log = new ListLogger();
        var told = false;
        await using var dialer = await StartAsync(1, new CollectingSink(), log, (_, _) => told = true);
        dialer.SetPeer(2, fake.LocalEndPoint!.ToString()!);
        dialer.Send(2, [new GroupMessage(0, Heartbeat(1, 2, 1))]);

        using var accepted = await fake.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await using var stream = new NetworkStream(accepted, ownsSocket: false);
        await stream.WriteAsync(PeerHandshake.EncodeChallenge(new PeerChallenge(true, ClusterId, 2, PeerCredentials.NewNonce())));
        var header = new byte[PeerFrame.HeaderBytes];
        await stream.ReadExactlyAsync(header);
        await stream.ReadExactlyAsync(new byte[BitConverter.ToUInt32(header)]);
        var forged = new PeerWelcome(false, [], "node 1 was removed from cluster c0ffee: wipe its data folder and add it again")
        {
            RemovedProof = new byte[PeerCredentials.ProofBytes],
        };
        await stream.WriteAsync(PeerHandshake.EncodeWelcome(forged));

        Assert.True(await log.WaitForAsync("wipe its data folder"), string.Join("\n", log.Lines));
        Assert.False(told); // the transport reports a removal before it logs the refusal
    }

    [Fact]
    public async Task A_node_removed_while_connected_with_nothing_to_send_is_told_when_its_peer_drops_it()
    {
        // Injected: node 4 connects while a member and then sends nothing (a removed learner has nothing to send);
        // node 2's rule starts calling it removed and node 2 drops it (RemovePeer, as on applying the removal).
        // Checked: node 4 notices the closed connection by itself, dials again and is told it was removed.
        var sink = new CollectingSink();
        await using var receiver = await StartAsync(2, sink);
        var isRemoved = false;
        receiver.Admission = node => node == 4 && Volatile.Read(ref isRemoved) ? PeerAdmission.Removed(node, ClusterId) : PeerAdmission.Admit;
        var told = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var member = await StartAsync(4, new CollectingSink(), removed: (peer, _) => told.TrySetResult(peer));
        member.SetPeer(2, receiver.LocalEndPoint.ToString());
        member.Send(2, [new GroupMessage(0, Heartbeat(4, 2, 1))]);
        await sink.NextAsync();

        Volatile.Write(ref isRemoved, true);
        receiver.RemovePeer(4);

        Assert.Equal(2UL, await told.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
