// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using RaftCache.Codec;

namespace RaftCache.StateMachine;

/// <summary>
/// Packs snapshot records into CRC-protected frames of about <see cref="SnapshotFormat.TargetFrameBytes"/>, so a
/// reader can verify each frame before parsing it and memory stays bounded on both sides.
/// </summary>
internal sealed class FrameWriter(Stream stream)
{
    private byte[] _buffer = new byte[SnapshotFormat.FramePrefixBytes + SnapshotFormat.TargetFrameBytes + SnapshotFormat.FrameCrcBytes];
    private SnapshotFrameKind _kind;
    private int _length;
    private bool _open;

    /// <summary>Ends the current frame (if any) and starts collecting records of a new kind.</summary>
    public void Begin(SnapshotFrameKind kind)
    {
        Flush();
        _kind = kind;
        _open = true;
    }

    /// <summary>Room for one record of exactly <paramref name="size"/> bytes in the current frame.</summary>
    public Span<byte> Reserve(int size)
    {
        if (_length > 0 && _length + size > SnapshotFormat.TargetFrameBytes)
        {
            Emit();
        }

        var needed = SnapshotFormat.FramePrefixBytes + _length + size + SnapshotFormat.FrameCrcBytes;
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, needed);
        }

        var record = _buffer.AsSpan(SnapshotFormat.FramePrefixBytes + _length, size);
        _length += size;
        return record;
    }

    /// <summary>Writes the open frame; a kind with no records still gets one (empty) frame, which readers expect.</summary>
    public void Flush()
    {
        if (_open)
        {
            Emit();
            _open = false;
        }
    }

    private void Emit()
    {
        _buffer[0] = (byte)_kind;
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(1), _length);
        var end = SnapshotFormat.FramePrefixBytes + _length;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(end), Crc32C.Compute(_buffer.AsSpan(0, end)));
        stream.Write(_buffer, 0, end + SnapshotFormat.FrameCrcBytes);
        _length = 0;
        if (_buffer.Length > 4 * SnapshotFormat.TargetFrameBytes)
        {
            _buffer = new byte[SnapshotFormat.FramePrefixBytes + SnapshotFormat.TargetFrameBytes + SnapshotFormat.FrameCrcBytes];
        }
    }
}
