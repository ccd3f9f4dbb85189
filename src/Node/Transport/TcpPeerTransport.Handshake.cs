// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net.Sockets;

namespace RaftCache.Node.Transport;

public sealed partial class TcpPeerTransport
{
    /// <summary>
    /// Receiver side: challenge with a fresh nonce, check the hello's proof (constant time), ask the admission
    /// rule, answer with this node's own proof. Any refusal is sent back with its reason before the connection
    /// closes, and thrown so the caller logs it. Returns the proven node id of the dialer.
    /// </summary>
    private async Task<(ulong From, PeerChannel? Channel)> AcceptHandshakeAsync(NetworkStream stream, byte[] header, CancellationToken cancellationToken)
    {
        var challengeNonce = PeerCredentials.NewNonce();
        await stream.WriteAsync(PeerHandshake.EncodeChallenge(new PeerChallenge(_credentials.IsSecured, _clusterId, NodeId, challengeNonce)), cancellationToken);
        var hello = PeerHandshake.DecodeHello(await ReadHandshakeFrameAsync(stream, header, PeerFrameKind.Hello, cancellationToken));
        // The dialer's secret (one this node accepts) answers it: proofs and the channel key come from that secret.
        var (refusal, removed, matched) = CheckHello(hello, challengeNonce);
        if (refusal is not null)
        {
            var welcome = new PeerWelcome(false, [], refusal)
            {
                RemovedProof = removed ? matched!.ProveRemoved(_clusterId, hello.From, NodeId, hello.Nonce, challengeNonce) : null,
            };
            await TrySendAsync(stream, PeerHandshake.EncodeWelcome(welcome), cancellationToken);
            PeerProtocolException.Throw(refusal);
        }
        var proof = matched!.ProveWelcome(_clusterId, hello.From, NodeId, hello.Nonce, challengeNonce);
        await stream.WriteAsync(PeerHandshake.EncodeWelcome(new PeerWelcome(true, proof, "")), cancellationToken);
        return (hello.From, ChannelOf(matched, hello.From, NodeId, hello.Nonce, challengeNonce));
    }

    // The checks in an order that tells an honest but misconfigured peer the most useful reason first; the
    // membership is consulted only after the proof, so an outsider learns nothing about who is a member.
    // Returns the refusal's reason (null: admitted), whether it is "removed" (which the dialer may act on), and the
    // accepted secret the dialer proved with (null when its proof matched none).
    private (string? Reason, bool Removed, PeerCredentials? Matched) CheckHello(PeerHello hello, byte[] challengeNonce)
    {
        if (hello.ClusterId != _clusterId) return ($"node {hello.From} belongs to cluster {hello.ClusterId:x}, this node to {_clusterId:x}", false, null);
        if (hello.To != NodeId) return ($"node {hello.From} meant to reach node {hello.To}, but this is node {NodeId}: check its peer addresses", false, null);
        if (hello.Secured != _credentials.IsSecured)
        {
            return (_credentials.IsSecured
                ? $"node {hello.From} runs without a cluster secret (--insecure-peers) and this node requires one"
                : $"node {hello.From} uses a cluster secret and this node runs with --insecure-peers", false, null);
        }
        var matched = _credentials.Accepted.FirstOrDefault(c =>
            PeerCredentials.ProofsMatch(c.ProveHello(_clusterId, hello.From, NodeId, challengeNonce, hello.Nonce), hello.Proof));
        if (matched is null) return ($"node {hello.From} failed authentication: its proof does not match this node's cluster secret", false, null);
        var admission = _admission?.Invoke(hello.From) ?? PeerAdmission.Admit;
        return admission.IsAdmitted ? (null, false, matched) : (admission.Reason, admission.Kind == PeerAdmissionKind.Removed, matched);
    }

    /// <summary>
    /// Dialer side: answer the receiver's challenge with a proof, then check the receiver's proof, so this node
    /// also knows it reached a real member and not an impostor at that address. Throws
    /// <see cref="PeerRefusedException"/> when the receiver refused, <see cref="PeerProtocolException"/> on anything else wrong.
    /// </summary>
    private async Task<PeerChannel?> DialHandshakeAsync(NetworkStream stream, ulong peer, CancellationToken cancellationToken)
    {
        var header = new byte[PeerFrame.HeaderBytes];
        var challenge = PeerHandshake.DecodeChallenge(await ReadHandshakeFrameAsync(stream, header, PeerFrameKind.Challenge, cancellationToken));
        if (challenge.ClusterId != _clusterId) PeerProtocolException.Throw($"it belongs to cluster {challenge.ClusterId:x}, this node to {_clusterId:x}");
        if (challenge.NodeId != peer) PeerProtocolException.Throw($"the node at that address is node {challenge.NodeId}, not {peer}: check the peer addresses");
        // A secured/insecure mismatch is still answered with a hello, so the receiver refuses it and logs the
        // reason too (its operator needs to see it as much as this one); the refusal then ends this attempt.
        var helloNonce = PeerCredentials.NewNonce();
        var proof = _credentials.ProveHello(_clusterId, NodeId, peer, challenge.Nonce, helloNonce);
        await stream.WriteAsync(PeerHandshake.EncodeHello(new PeerHello(_credentials.IsSecured, _clusterId, NodeId, peer, helloNonce, proof)), cancellationToken);
        var welcome = PeerHandshake.DecodeWelcome(await ReadHandshakeFrameAsync(stream, header, PeerFrameKind.Welcome, cancellationToken));
        if (!welcome.Accepted)
        {
            // Believed only with the receiver's proof: without it, anyone at a member's address could say "removed".
            var removed = welcome.RemovedProof is { } removal && challenge.Secured == _credentials.IsSecured
                && PeerCredentials.ProofsMatch(_credentials.ProveRemoved(_clusterId, NodeId, peer, helloNonce, challenge.Nonce), removal);
            throw new PeerRefusedException(welcome.Reason) { RemovedFromCluster = removed };
        }
        if (challenge.Secured != _credentials.IsSecured)
        {
            PeerProtocolException.Throw(_credentials.IsSecured
                ? "it runs without a cluster secret (--insecure-peers) and this node requires one"
                : "it uses a cluster secret and this node runs with --insecure-peers");
        }
        var expected = _credentials.ProveWelcome(_clusterId, NodeId, peer, helloNonce, challenge.Nonce);
        if (!PeerCredentials.ProofsMatch(expected, welcome.Proof)) PeerProtocolException.Throw("its proof does not match this node's cluster secret: not a member");
        return ChannelOf(_credentials, NodeId, peer, helloNonce, challenge.Nonce);
    }

    // Secured peers protect every frame after the handshake; --insecure-peers runs in the clear, as it says.
    private PeerChannel? ChannelOf(PeerCredentials secret, ulong from, ulong to, byte[] helloNonce, byte[] challengeNonce) =>
        secret.IsSecured ? new PeerChannel(secret.ChannelKey(_clusterId, from, to, helloNonce, challengeNonce)) : null;

    private async Task<byte[]> ReadHandshakeFrameAsync(NetworkStream stream, byte[] header, PeerFrameKind expected, CancellationToken cancellationToken)
    {
        if (!await ReadFrameHeaderAsync(stream, header, cancellationToken)) PeerProtocolException.Throw($"closed before the {expected.ToString().ToLowerInvariant()}");
        var (kind, length) = PeerFrame.ReadHeader(header, _limits, sealedOverhead: 0);
        if (kind != expected) PeerProtocolException.Throw($"expected a {expected} frame, got {kind}");
        var payload = new byte[length]; // at most PeerFrame.MaxHandshakeFrameBytes, checked by ReadHeader
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return payload;
    }

    // The refusal is a courtesy to the peer's operator: if the peer is already gone, closing is all that matters.
    private static async Task TrySendAsync(NetworkStream stream, byte[] frame, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(frame, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
