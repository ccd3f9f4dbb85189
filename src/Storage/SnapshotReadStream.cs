// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Codec;

namespace RaftCache.Storage;

/// <summary>
/// Reads a snapshot file's data, checksumming as it goes; reading past the last byte throws
/// <see cref="StorageCorruptionException"/> when the CRC32C does not match, so a consumer never finishes
/// loading damaged state without noticing.
/// </summary>
internal sealed class SnapshotReadStream(IStorageFile file, string path, long dataStart, long dataLength, uint expectedCrc) : Stream
{
    private long _position;
    private readonly System.IO.Hashing.Crc32 _crc = Crc32C.Start();
    private bool _checked;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => dataLength;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var want = (int)Math.Min(buffer.Length, dataLength - _position);
        if (want <= 0)
        {
            Verify();
            return 0;
        }

        var read = file.Read(dataStart + _position, buffer[..want]);
        if (read <= 0) throw new StorageCorruptionException(path, dataStart + _position, "snapshot data ends early");
        _crc.Append(buffer[..read]);
        _position += read;
        if (_position == dataLength) Verify();
        return read;
    }

    private void Verify()
    {
        if (_checked) return;
        _checked = true;
        if (_crc.GetCurrentHashAsUInt32() != expectedCrc) throw new StorageCorruptionException(path, dataStart, "snapshot data checksum mismatch");
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) file.Dispose();
        base.Dispose(disposing);
    }
}
