// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;

namespace RaftCache.Node.Transport;

/// <summary>
/// The payload of a <see cref="PeerFrameKind.Record"/>: whole frames (header and payload each) back to back, as the
/// sender queued them, sealed together (docs/peer-protocol.md, "Records"). Only Batch, Forward and ForwardReply
/// frames go into a record (no snapshots, no records in records), each within its own limit, at least one, and the
/// last one ending exactly at the record's end.
/// </summary>
public static class PeerRecord
{
    /// <summary>Largest record payload (before sealing): the sender's coalescing size; a larger frame is sealed alone.</summary>
    public const int MaxBytes = 256 << 10;

    /// <summary>Walks the frames of an opened record, checking each header before its payload is looked at.</summary>
    public ref struct Reader(ReadOnlySpan<byte> record, PeerLimits limits)
    {
        private ReadOnlySpan<byte> _rest = record;
        private int _frames;

        /// <summary>The next frame, or false at the end; throws <see cref="PeerProtocolException"/> on a malformed record.</summary>
        public bool TryNext(out PeerFrameKind kind, out ReadOnlySpan<byte> payload)
        {
            kind = default;
            payload = default;
            if (_rest.IsEmpty)
            {
                if (_frames == 0) PeerProtocolException.Throw("an empty record");
                return false;
            }
            if (_rest.Length < PeerFrame.HeaderBytes) PeerProtocolException.Throw($"a record ends inside a frame header ({_rest.Length} bytes left)");
            (kind, var length) = PeerFrame.ReadHeader(_rest, limits);
            if (kind is not (PeerFrameKind.Batch or PeerFrameKind.Forward or PeerFrameKind.ForwardReply))
                PeerProtocolException.Throw($"a {kind} frame inside a record");
            if (length > _rest.Length - PeerFrame.HeaderBytes)
                PeerProtocolException.Throw($"a {kind} frame of {length} bytes inside a record with {_rest.Length - PeerFrame.HeaderBytes} left");
            payload = _rest.Slice(PeerFrame.HeaderBytes, length);
            _rest = _rest[(PeerFrame.HeaderBytes + length)..];
            _frames++;
            return true;
        }
    }

    /// <summary>True when a queued frame may join a record: a regular frame that leaves the record within <see cref="MaxBytes"/>.</summary>
    public static bool Fits(ReadOnlySpan<byte> frame, int recordBytes) =>
        (PeerFrameKind)frame[4] is PeerFrameKind.Batch or PeerFrameKind.Forward or PeerFrameKind.ForwardReply
        && recordBytes + frame.Length <= MaxBytes
        && BinaryPrimitives.ReadUInt32LittleEndian(frame) == frame.Length - PeerFrame.HeaderBytes;
}
