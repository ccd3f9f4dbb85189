// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Codec;

namespace RaftCache.Storage;

/// <summary>
/// The data section of a snapshot file being written: what a writer pushes is gathered into
/// <see cref="SnapshotFile.ChunkBytes"/> chunks, each written to the file (sealed first when the file is encrypted)
/// and checksummed, so a snapshot is serialised to disk in bounded memory. <see cref="Finish"/> writes the last
/// chunk (and the empty final chunk of an encrypted file) and returns the data length and CRC the trailer records.
/// Not thread-safe.
/// </summary>
internal sealed class SnapshotWriteStream(IStorageFile file, long offset, SnapshotCipher? cipher, long maxPlainBytes) : Stream
{
    private readonly byte[] _chunk = new byte[SnapshotFile.ChunkBytes];
    private readonly byte[]? _sealed = cipher is null ? null : new byte[SnapshotFile.ChunkBytes + SnapshotCipher.ChunkHeaderBytes + SnapshotCipher.TagBytes];
    private readonly System.IO.Hashing.Crc32 _crc = Crc32C.Start();
    private int _filled;
    private long _written;

    /// <summary>Bytes the writer pushed (the plaintext of an encrypted file).</summary>
    public long PlainBytes { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => PlainBytes;

    public override long Position
    {
        get => PlainBytes;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (PlainBytes + buffer.Length > maxPlainBytes) throw new InvalidOperationException($"snapshot larger than {maxPlainBytes} bytes (WalOptions.MaxSnapshotBytes)");
        PlainBytes += buffer.Length;
        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _chunk.Length - _filled);
            buffer[..n].CopyTo(_chunk.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == _chunk.Length) WriteChunk(final: false);
        }
    }

    /// <summary>Writes what is left; returns the bytes of the data section and their CRC-32C.</summary>
    public (long Length, uint Crc) Finish()
    {
        if (_filled > 0) WriteChunk(final: false);
        if (cipher is not null) WriteChunk(final: true);
        return (_written, _crc.GetCurrentHashAsUInt32());
    }

    private void WriteChunk(bool final)
    {
        var plain = _chunk.AsSpan(0, _filled);
        var bytes = cipher is null ? plain : _sealed.AsSpan(0, cipher.Seal(final ? [] : plain, final, _sealed));
        file.Write(offset + _written, bytes);
        _crc.Append(bytes);
        _written += bytes.Length;
        _filled = 0;
    }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
