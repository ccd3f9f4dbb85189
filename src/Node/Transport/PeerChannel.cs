// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RaftCache.Node.Transport;

/// <summary>
/// The protection of one peer connection after its handshake (docs/peer-protocol.md, "Channel"): every frame's
/// payload is encrypted and authenticated with AES-256-GCM under a key of this connection alone, derived from the
/// cluster secret and both handshake nonces. The nonce is the frame's sequence number on the connection, never sent:
/// a frame that was altered, replayed, reordered or dropped fails authentication at the receiver, which closes the
/// connection. The frame header (length and kind) is authenticated as associated data. A connection carries data one
/// way only (the dialer sends, the receiver reads), so one instance either seals or opens, never both. Not
/// thread-safe: one sender pump or one receive loop owns it.
/// </summary>
public sealed class PeerChannel : IDisposable
{
    /// <summary>Bytes the channel adds to each frame's payload (the authentication tag).</summary>
    public const int TagBytes = 16;

    private const int NonceBytes = 12;
    private readonly AesGcm _aead;
    private ulong _sequence;

    public PeerChannel(byte[] key)
    {
        if (key.Length != 32) throw new ArgumentException("a channel key has 32 bytes", nameof(key));
        _aead = new AesGcm(key, TagBytes);
    }

    /// <summary>Frames sealed or opened so far on this connection.</summary>
    public ulong Frames => _sequence;

    /// <summary>Appends <paramref name="frame"/> (header and plaintext payload) to <paramref name="output"/>, sealed.</summary>
    public void Seal(ReadOnlySpan<byte> frame, IBufferWriter<byte> output) => Seal((PeerFrameKind)frame[4], frame[PeerFrame.HeaderBytes..], output);

    /// <summary>Appends the frames <paramref name="frames"/> (each with its header) to <paramref name="output"/> as one sealed <see cref="PeerFrameKind.Record"/>.</summary>
    public void SealRecord(ReadOnlySpan<byte> frames, IBufferWriter<byte> output) => Seal(PeerFrameKind.Record, frames, output);

    /// <summary>
    /// Seals the frame in <paramref name="frame"/> where it lies: its header and payload, then <see cref="TagBytes"/>
    /// bytes of room that receive the tag. GCM encrypts a buffer onto itself, so the result is what
    /// <see cref="Seal(ReadOnlySpan{byte}, IBufferWriter{byte})"/> would append.
    /// </summary>
    public void SealInPlace(Span<byte> frame) => SealInto(frame[PeerFrame.HeaderBytes..^TagBytes], frame);

    private void Seal(PeerFrameKind kind, ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        var sealedLength = PeerFrame.HeaderBytes + payload.Length + TagBytes;
        var span = output.GetSpan(sealedLength)[..sealedLength];
        span[4] = (byte)kind;
        SealInto(payload, span);
        output.Advance(sealedLength);
    }

    // Into sealedFrame: the header (its kind byte already set; the length written here, as associated data), the
    // payload encrypted (from where it lies when the two overlap exactly), then the tag.
    private void SealInto(ReadOnlySpan<byte> payload, Span<byte> sealedFrame)
    {
        var header = sealedFrame[..PeerFrame.HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(payload.Length + TagBytes));
        Span<byte> nonce = stackalloc byte[NonceBytes];
        NextNonce(nonce);
        _aead.Encrypt(nonce, payload, sealedFrame.Slice(PeerFrame.HeaderBytes, payload.Length), sealedFrame[^TagBytes..], header);
    }

    /// <summary>
    /// Opens a sealed payload (ciphertext and tag, as read after <paramref name="header"/>) into
    /// <paramref name="plaintext"/>; returns the plaintext length. Throws <see cref="PeerProtocolException"/> when it
    /// does not authenticate: the frame was altered, replayed, reordered or a frame before it was lost.
    /// </summary>
    public int Open(ReadOnlySpan<byte> header, ReadOnlySpan<byte> sealedPayload, Span<byte> plaintext)
    {
        if (sealedPayload.Length < TagBytes) PeerProtocolException.Throw($"sealed frame of {sealedPayload.Length} bytes is shorter than its tag");
        var length = sealedPayload.Length - TagBytes;
        Span<byte> nonce = stackalloc byte[NonceBytes];
        NextNonce(nonce);
        try
        {
            _aead.Decrypt(nonce, sealedPayload[..length], sealedPayload[length..], plaintext[..length], header);
        }
        catch (AuthenticationTagMismatchException)
        {
            PeerProtocolException.Throw($"frame {_sequence - 1} does not authenticate: altered, replayed, reordered or a frame before it was lost");
        }
        return length;
    }

    // The sequence number, little-endian, in the last 8 bytes; a connection never reaches 2^64 frames.
    private void NextNonce(Span<byte> nonce)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], _sequence++);
    }

    public void Dispose() => _aead.Dispose();
}
