// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace RaftCache.Node.Transport;

/// <summary>
/// What a node proves its membership with: keys derived (HKDF-SHA256) from the cluster secret, one per purpose,
/// so the raw secret never keys anything and a proof made for one step of the handshake is useless in another.
/// <see cref="Insecure"/> stands for "no secret" (<c>--insecure-peers</c>): its proofs use a public key and prove
/// nothing, and a secured node refuses them. Thread-safe: immutable after construction.
/// </summary>
public sealed class PeerCredentials
{
    /// <summary>Shortest cluster secret accepted: 16 bytes of UTF-8 (a random 32-character secret is recommended).</summary>
    public const int MinSecretBytes = 16;

    public const int NonceBytes = 32;
    public const int ProofBytes = 32;

    private static readonly byte[] HelloLabel = "raftcache/peer/v2/hello"u8.ToArray();
    private static readonly byte[] WelcomeLabel = "raftcache/peer/v2/welcome"u8.ToArray();
    private static readonly byte[] RemovedLabel = "raftcache/peer/v2/removed"u8.ToArray();
    private static readonly byte[] ChannelLabel = "raftcache/peer/v3/channel"u8.ToArray();

    private readonly byte[] _helloKey;
    private readonly byte[] _welcomeKey;
    private readonly byte[] _removedKey;
    private readonly byte[] _channelKey;

    private PeerCredentials(ReadOnlySpan<byte> secret, bool secured)
    {
        IsSecured = secured;
        _helloKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.ToArray(), 32, salt: [], info: HelloLabel);
        _welcomeKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.ToArray(), 32, salt: [], info: WelcomeLabel);
        _removedKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.ToArray(), 32, salt: [], info: RemovedLabel);
        _channelKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.ToArray(), 32, salt: [], info: ChannelLabel);
    }

    private PeerCredentials(PeerCredentials primary, IReadOnlyList<PeerCredentials> alsoAccepted)
    {
        IsSecured = primary.IsSecured;
        _helloKey = primary._helloKey;
        _welcomeKey = primary._welcomeKey;
        _removedKey = primary._removedKey;
        _channelKey = primary._channelKey;
        _alsoAccepted = alsoAccepted;
    }

    private readonly IReadOnlyList<PeerCredentials> _alsoAccepted = [];

    /// <summary>
    /// The secrets a receiver accepts a hello under: this one first (the one this node proves with), then those of a
    /// rotation in progress (docs/security.md, "Rotating the cluster secret").
    /// </summary>
    public IEnumerable<PeerCredentials> Accepted => [this, .. _alsoAccepted];

    /// <summary>These credentials, also accepting peers that prove with one of <paramref name="others"/> (a rotation in progress).</summary>
    public PeerCredentials AcceptingAlso(IEnumerable<PeerCredentials> others) => new(this, [.. others]);

    /// <summary>False for <see cref="Insecure"/>: the node runs without a cluster secret.</summary>
    public bool IsSecured { get; }

    /// <summary>No secret: the handshake still runs (same code path) but proves nothing. Only with <c>--insecure-peers</c>.</summary>
    public static PeerCredentials Insecure { get; } = new("raftcache insecure peers: no secret"u8, secured: false);

    /// <exception cref="ArgumentException">The secret is shorter than <see cref="MinSecretBytes"/>.</exception>
    public static PeerCredentials FromSecret(string secret) => FromSecret(Encoding.UTF8.GetBytes(secret));

    /// <exception cref="ArgumentException">The secret is shorter than <see cref="MinSecretBytes"/>.</exception>
    public static PeerCredentials FromSecret(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < MinSecretBytes) throw new ArgumentException($"a cluster secret needs at least {MinSecretBytes} bytes, this one has {secret.Length}", nameof(secret));
        return new PeerCredentials(secret, secured: true);
    }

    /// <summary>A fresh random nonce: each connection gets its own, so a recorded handshake cannot be replayed.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceBytes);

    /// <summary>The dialer's proof: over the receiver's challenge nonce first, then its own.</summary>
    public byte[] ProveHello(ulong clusterId, ulong from, ulong to, ReadOnlySpan<byte> challengeNonce, ReadOnlySpan<byte> helloNonce) =>
        Proof(_helloKey, clusterId, from, to, challengeNonce, helloNonce);

    /// <summary>The receiver's answering proof: over the dialer's nonce first, so the dialer knows it reached a member.</summary>
    public byte[] ProveWelcome(ulong clusterId, ulong from, ulong to, ReadOnlySpan<byte> helloNonce, ReadOnlySpan<byte> challengeNonce) =>
        Proof(_welcomeKey, clusterId, from, to, helloNonce, challengeNonce);

    /// <summary>
    /// The receiver's proof that it refuses the dialer because the dialer was removed: like the welcome's, over the
    /// dialer's nonce first, with a key of its own so neither proof can stand in for the other.
    /// </summary>
    public byte[] ProveRemoved(ulong clusterId, ulong from, ulong to, ReadOnlySpan<byte> helloNonce, ReadOnlySpan<byte> challengeNonce) =>
        Proof(_removedKey, clusterId, from, to, helloNonce, challengeNonce);

    /// <summary>
    /// The key that protects one connection's frames (dialer to receiver): derived from the channel key with both
    /// handshake nonces as salt, so every connection has a key of its own (a frame recorded on one connection is
    /// useless on another), and with the connection's cluster and node ids bound in.
    /// </summary>
    public byte[] ChannelKey(ulong clusterId, ulong from, ulong to, ReadOnlySpan<byte> helloNonce, ReadOnlySpan<byte> challengeNonce)
    {
        var salt = new byte[2 * NonceBytes];
        helloNonce.CopyTo(salt);
        challengeNonce.CopyTo(salt.AsSpan(NonceBytes));
        var info = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(info, clusterId);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(8), from);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(16), to);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _channelKey, 32, salt, info);
    }

    /// <summary>Compares in constant time, so the time to refuse says nothing about how much of a forged proof was right.</summary>
    public static bool ProofsMatch(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) => CryptographicOperations.FixedTimeEquals(expected, actual);

    // HMAC-SHA256 over fixed-width fields, so no two different field tuples share an encoding.
    private static byte[] Proof(byte[] key, ulong clusterId, ulong from, ulong to, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        Span<byte> message = stackalloc byte[24 + 2 * NonceBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(message, clusterId);
        BinaryPrimitives.WriteUInt64LittleEndian(message[8..], from);
        BinaryPrimitives.WriteUInt64LittleEndian(message[16..], to);
        first.CopyTo(message[24..]);
        second.CopyTo(message[(24 + NonceBytes)..]);
        return HMACSHA256.HashData(key, message);
    }
}
