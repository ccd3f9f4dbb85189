// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RaftCache.Storage;

/// <summary>
/// AES-256-GCM for the data of a version 2 snapshot file, in chunks so a snapshot streams in bounded memory:
/// <c>u32 plaintext length | u8 final | ciphertext | 16-byte tag</c>, at most <see cref="SnapshotFile.ChunkBytes"/>
/// of plaintext each, ended by an empty chunk with final = 1. The nonce is the file's random 8-byte prefix and the
/// chunk number; the associated data binds group, snapshot index, chunk number, length and the final flag, so
/// chunks cannot be reordered, moved between files, or cut off at a chunk boundary unnoticed. Not thread-safe:
/// one instance per file being written or read.
/// </summary>
internal sealed class SnapshotCipher(byte[] key, byte[] noncePrefix, ulong group, ulong index) : IDisposable
{
    public const int NoncePrefixBytes = 8;
    public const int ChunkHeaderBytes = 5;
    public const int TagBytes = 16;

    private readonly AesGcm _aes = new(key, TagBytes);
    private uint _chunk;

    /// <summary>Encrypts the next chunk into <paramref name="output"/> (at least plaintext + 21 bytes); returns its length.</summary>
    public int Seal(ReadOnlySpan<byte> plain, bool final, Span<byte> output)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output, (uint)plain.Length);
        output[4] = final ? (byte)1 : (byte)0;
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> associated = stackalloc byte[25];
        Describe(plain.Length, final, nonce, associated);
        _aes.Encrypt(nonce, plain, output.Slice(ChunkHeaderBytes, plain.Length), output.Slice(ChunkHeaderBytes + plain.Length, TagBytes), associated);
        _chunk++;
        return ChunkHeaderBytes + plain.Length + TagBytes;
    }

    /// <summary>Decrypts the next chunk (its ciphertext and tag, after the header already read); false when authentication fails.</summary>
    public bool TryOpen(int length, bool final, ReadOnlySpan<byte> cipherAndTag, Span<byte> plain)
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> associated = stackalloc byte[25];
        Describe(length, final, nonce, associated);
        try
        {
            _aes.Decrypt(nonce, cipherAndTag[..length], cipherAndTag.Slice(length, TagBytes), plain[..length], associated);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        _chunk++;
        return true;
    }

    private void Describe(int length, bool final, Span<byte> nonce, Span<byte> associated)
    {
        noncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32LittleEndian(nonce[8..], _chunk);
        BinaryPrimitives.WriteUInt64LittleEndian(associated, group);
        BinaryPrimitives.WriteUInt64LittleEndian(associated[8..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(associated[16..], _chunk);
        BinaryPrimitives.WriteUInt32LittleEndian(associated[20..], (uint)length);
        associated[24] = final ? (byte)1 : (byte)0;
    }

    public void Dispose() => _aes.Dispose();
}

/// <summary>
/// Reads the plaintext of an encrypted snapshot: chunk by chunk from the checksummed data stream, each
/// authenticated before any of its bytes is returned. A missing final chunk or bytes after it are corruption.
/// </summary>
internal sealed class DecryptingSnapshotStream(Stream inner, SnapshotCipher cipher, string path, long dataStart) : Stream
{
    private readonly byte[] _chunk = new byte[SnapshotFile.ChunkBytes + SnapshotCipher.TagBytes];
    private readonly byte[] _plain = new byte[SnapshotFile.ChunkBytes];
    private int _plainLength;
    private int _plainPosition;
    private long _consumed;
    private bool _finished;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_plainPosition == _plainLength)
        {
            if (_finished)
            {
                // Reading the data stream to its end makes it verify the file's checksum.
                if (inner.Read(_chunk.AsSpan(0, 1)) != 0) throw new StorageCorruptionException(path, dataStart + _consumed, "bytes after the final encrypted chunk");
                return 0;
            }
            LoadChunk();
        }
        var n = Math.Min(buffer.Length, _plainLength - _plainPosition);
        _plain.AsSpan(_plainPosition, n).CopyTo(buffer);
        _plainPosition += n;
        return n;
    }

    private void LoadChunk()
    {
        var at = dataStart + _consumed;
        Span<byte> header = stackalloc byte[SnapshotCipher.ChunkHeaderBytes];
        Fill(header, at, "snapshot data ends without its final encrypted chunk");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var final = header[4];
        if (length > SnapshotFile.ChunkBytes || final > 1 || (final == 1 && length != 0))
            throw new StorageCorruptionException(path, at, $"encrypted chunk header is invalid (length {length}, final {final})");
        var body = _chunk.AsSpan(0, (int)length + SnapshotCipher.TagBytes);
        Fill(body, at, "snapshot data ends inside an encrypted chunk");
        if (!cipher.TryOpen((int)length, final == 1, body, _plain))
            throw new StorageCorruptionException(path, at, "encrypted snapshot chunk fails authentication (tampered, or written with a different key under that id)");
        _consumed += SnapshotCipher.ChunkHeaderBytes + body.Length;
        (_plainLength, _plainPosition, _finished) = ((int)length, 0, final == 1);
    }

    private void Fill(Span<byte> buffer, long at, string reason)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var read = inner.Read(buffer[done..]);
            if (read <= 0) throw new StorageCorruptionException(path, at, reason);
            done += read;
        }
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            cipher.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
