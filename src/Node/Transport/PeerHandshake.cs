// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;

namespace RaftCache.Node.Transport;

/// <summary>The receiver's opening frame: who it is and the nonce the dialer must prove over.</summary>
public sealed record PeerChallenge(bool Secured, ulong ClusterId, ulong NodeId, byte[] Nonce);

/// <summary>The dialer's introduction: who it is, whom it meant to reach, its own nonce and its proof.</summary>
public sealed record PeerHello(bool Secured, ulong ClusterId, ulong From, ulong To, byte[] Nonce, byte[] Proof);

/// <summary>
/// The receiver's verdict: accepted with the receiver's proof, or refused with a reason for the dialer's log. A
/// refusal because the dialer was removed from the cluster carries <see cref="RemovedProof"/> (the receiver proves
/// it holds the cluster secret), so only a real member can tell a node it was removed: an impostor at a member's
/// address could otherwise make any node stop.
/// </summary>
public sealed record PeerWelcome(bool Accepted, byte[] Proof, string Reason)
{
    /// <summary>Refused because the dialer was removed: the receiver's proof of that verdict; null on any other refusal.</summary>
    public byte[]? RemovedProof { get; init; }
}

/// <summary>
/// Encoding of the three handshake frames (docs/peer-protocol.md, "Handshake"). Decoding checks the protocol
/// version first, so a node of another version is told so instead of failing on a field it does not expect.
/// </summary>
public static class PeerHandshake
{
    /// <summary>Longest refusal reason sent back (UTF-8 bytes); longer texts are cut.</summary>
    public const int MaxReasonBytes = 512;

    private const byte SecuredFlag = 1;

    /// <summary>Refusal verdict: the dialer was removed from the cluster (followed by the receiver's proof).</summary>
    private const byte RemovedVerdict = 2;

    public static byte[] EncodeChallenge(PeerChallenge challenge)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new WireWriter(buffer);
        w.Byte(PeerFrame.ProtocolVersion);
        w.Byte(challenge.Secured ? SecuredFlag : (byte)0);
        w.VarUInt(challenge.ClusterId);
        w.VarUInt(challenge.NodeId);
        w.Bytes(challenge.Nonce);
        return PeerFrame.Frame(PeerFrameKind.Challenge, buffer.WrittenSpan);
    }

    public static PeerChallenge DecodeChallenge(ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        var secured = ReadVersionAndFlags(ref r);
        var challenge = new PeerChallenge(secured, r.VarUInt(), r.VarUInt(), Fixed(ref r, PeerCredentials.NonceBytes, "nonce"));
        r.ExpectEnd("the challenge");
        return challenge;
    }

    public static byte[] EncodeHello(PeerHello hello)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var w = new WireWriter(buffer);
        w.Byte(PeerFrame.ProtocolVersion);
        w.Byte(hello.Secured ? SecuredFlag : (byte)0);
        w.VarUInt(hello.ClusterId);
        w.VarUInt(hello.From);
        w.VarUInt(hello.To);
        w.Bytes(hello.Nonce);
        w.Bytes(hello.Proof);
        return PeerFrame.Frame(PeerFrameKind.Hello, buffer.WrittenSpan);
    }

    public static PeerHello DecodeHello(ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        var secured = ReadVersionAndFlags(ref r);
        var hello = new PeerHello(secured, r.VarUInt(), r.VarUInt(), r.VarUInt(),
            Fixed(ref r, PeerCredentials.NonceBytes, "nonce"), Fixed(ref r, PeerCredentials.ProofBytes, "proof"));
        r.ExpectEnd("the hello");
        if (hello.From == 0) PeerProtocolException.Throw("hello from node id 0");
        return hello;
    }

    public static byte[] EncodeWelcome(PeerWelcome welcome)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new WireWriter(buffer);
        w.Byte(welcome.Accepted ? (byte)1 : (byte)0);
        if (welcome.Accepted)
        {
            w.Bytes(welcome.Proof);
        }
        else
        {
            var reason = Encoding.UTF8.GetBytes(welcome.Reason);
            w.Bytes(reason.AsSpan(0, Math.Min(reason.Length, MaxReasonBytes)));
            if (welcome.RemovedProof is { } removed)
            {
                w.Byte(RemovedVerdict);
                w.Bytes(removed);
            }
        }
        return PeerFrame.Frame(PeerFrameKind.Welcome, buffer.WrittenSpan);
    }

    public static PeerWelcome DecodeWelcome(ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        var accepted = r.Boolean();
        PeerWelcome welcome;
        if (accepted)
        {
            welcome = new PeerWelcome(true, Fixed(ref r, PeerCredentials.ProofBytes, "proof"), "");
        }
        else
        {
            var reason = r.Bytes();
            if (reason.Length > MaxReasonBytes) PeerProtocolException.Throw($"refusal reason of {reason.Length} bytes exceeds {MaxReasonBytes}");
            welcome = new PeerWelcome(false, [], Encoding.UTF8.GetString(reason));
            // The verdict is optional and trails the reason, so a refusal without one reads as before.
            if (r.Remaining > 0)
            {
                var verdict = r.Byte();
                if (verdict != RemovedVerdict) PeerProtocolException.Throw($"refusal verdict {verdict} is unknown");
                welcome = welcome with { RemovedProof = Fixed(ref r, PeerCredentials.ProofBytes, "removal proof") };
            }
        }
        r.ExpectEnd("the welcome");
        return welcome;
    }

    private static bool ReadVersionAndFlags(ref WireReader r)
    {
        var version = r.Byte();
        if (version != PeerFrame.ProtocolVersion) PeerProtocolException.Throw($"peer speaks protocol version {version}, this node {PeerFrame.ProtocolVersion}");
        var flags = r.Byte();
        if (flags > SecuredFlag) PeerProtocolException.Throw($"handshake flags {flags} are unknown");
        return flags == SecuredFlag;
    }

    private static byte[] Fixed(ref WireReader r, int length, string what)
    {
        var bytes = r.Bytes();
        if (bytes.Length != length) PeerProtocolException.Throw($"{what} of {bytes.Length} bytes, expected {length}");
        return bytes.ToArray();
    }
}
