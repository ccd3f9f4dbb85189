// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using RaftCache.Codec;

namespace RaftCache.StateMachine;

/// <summary>
/// Reads the snapshot format into fresh tables. Each frame's CRC is checked before its records are parsed and every
/// field is range-checked, so a truncated, corrupted or foreign stream ends in a <see cref="StateMachineFormatException"/>
/// and the caller's current state is never touched.
/// </summary>
internal static class SnapshotReader
{
    public static (EntryTable Table, SessionTable Sessions, ulong AppliedIndex, long MemoryLimitBytes) Read(
        Stream stream, StateMachineOptions options)
    {
        var (appliedIndex, memoryLimit, entryCount) = ReadHeader(stream);
        var table = new EntryTable(options.HashSeed, PresizeFor(stream, entryCount));
        var sessions = new SessionTable(options);
        var lastKind = SnapshotFrameKind.Entries;
        var buffer = new byte[SnapshotFormat.FramePrefixBytes + SnapshotFormat.TargetFrameBytes + SnapshotFormat.FrameCrcBytes];
        while (true)
        {
            var kind = ReadFrame(stream, ref buffer, out var length);
            var payload = buffer.AsSpan(SnapshotFormat.FramePrefixBytes, length);
            if (kind < lastKind)
            {
                throw new StateMachineFormatException($"Snapshot frame {kind} after {lastKind}: frames are out of order.");
            }

            lastKind = kind;
            var reader = new FormatReader(payload);
            if (kind == SnapshotFrameKind.End)
            {
                CheckEnd(ref reader, table.Count, sessions.Count, entryCount);
                return (table, sessions, appliedIndex, memoryLimit);
            }

            while (reader.Remaining > 0)
            {
                if (kind == SnapshotFrameKind.Entries)
                {
                    ReadEntry(ref reader, table, appliedIndex);
                }
                else
                {
                    ReadSession(ref reader, sessions);
                }
            }
        }
    }

    private static (ulong AppliedIndex, long MemoryLimit, long EntryCount) ReadHeader(Stream stream)
    {
        Span<byte> header = stackalloc byte[SnapshotFormat.HeaderBytes];
        ReadExactly(stream, header[..4], "magic number");
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != SnapshotFormat.Magic)
        {
            throw new StateMachineFormatException("Not a RaftCache state machine snapshot (bad magic number).");
        }

        ReadExactly(stream, header[4..], "header");

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != SnapshotFormat.Version)
        {
            throw new StateMachineFormatException(
                $"Unknown snapshot format version {version}; this build reads version {SnapshotFormat.Version}.");
        }

        var crcOffset = SnapshotFormat.HeaderCrcOffset;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[crcOffset..]) != Crc32C.Compute(header[..crcOffset]))
        {
            throw new StateMachineFormatException("Snapshot header is corrupted (CRC32C mismatch).");
        }

        var memoryLimit = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        var entryCount = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        if (BinaryPrimitives.ReadUInt16LittleEndian(header[6..]) != 0 || memoryLimit <= 0 || entryCount < 0)
        {
            throw new StateMachineFormatException("Snapshot header has invalid reserved bits, memory limit or entry count.");
        }

        return (BinaryPrimitives.ReadUInt64LittleEndian(header[8..]), memoryLimit, entryCount);
    }

    /// <summary>Reads and verifies one frame; its payload is then at <see cref="SnapshotFormat.FramePrefixBytes"/> in the buffer.</summary>
    private static SnapshotFrameKind ReadFrame(Stream stream, ref byte[] buffer, out int length)
    {
        ReadExactly(stream, buffer.AsSpan(0, SnapshotFormat.FramePrefixBytes), "frame header");
        var kind = (SnapshotFrameKind)buffer[0];
        length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(1));
        if (kind is not (SnapshotFrameKind.Entries or SnapshotFrameKind.Sessions or SnapshotFrameKind.End)
            || length is < 0 or > SnapshotFormat.MaxFrameBytes)
        {
            throw new StateMachineFormatException($"Snapshot frame header is corrupted (kind {(byte)kind}, length {length}).");
        }

        ReadFrameBody(stream, ref buffer, length + SnapshotFormat.FrameCrcBytes, $"{kind} frame");
        var end = SnapshotFormat.FramePrefixBytes + length;
        if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(end)) != Crc32C.Compute(buffer.AsSpan(0, end)))
        {
            throw new StateMachineFormatException($"Snapshot {kind} frame is corrupted (CRC32C mismatch).");
        }

        return kind;
    }

    private static void ReadEntry(ref FormatReader reader, EntryTable table, ulong appliedIndex)
    {
        var keyLength = reader.UInt16("entry key length");
        var contentTypeLength = reader.Byte("entry content type length");
        var valueLength = reader.Int32("entry value length");
        var version = reader.UInt64("entry version");
        var expiresAtMs = reader.Int64("entry expiry");
        if (keyLength == 0 || valueLength is < 0 or > CacheCommand.MaxValueBytes || version == 0 || version > appliedIndex)
        {
            throw new StateMachineFormatException(
                $"Snapshot entry is invalid (key length {keyLength}, value length {valueLength}, version {version}).");
        }

        var key = reader.Take(keyLength, "entry key");
        var contentType = reader.Take(contentTypeLength, "entry content type");
        var value = reader.Take(valueLength, "entry value");
        if (table.Find(key) >= 0)
        {
            throw new StateMachineFormatException("Snapshot holds the same key twice.");
        }

        var code = ContentTypes.CodeOf(contentType);
        var inline = code == ContentTypes.Inline ? contentType : [];
        table.Add(BlobLayout.Copy(key, inline, value), 0, keyLength, code, inline.Length, version, expiresAtMs);
    }

    private static void ReadSession(ref FormatReader reader, SessionTable sessions)
    {
        var clientId = reader.UInt64("session client id");
        var client = new SessionTable.ClientState
        {
            Floor = reader.UInt64("session floor"),
            LastActivityMs = reader.Int64("session last activity"),
        };
        var count = reader.Int32("session result count");
        if (clientId == 0 || count < 0 || count > reader.Remaining / SnapshotFormat.ResultBytes)
        {
            throw new StateMachineFormatException($"Snapshot session is invalid (client {clientId}, {count} results).");
        }

        for (var i = 0; i < count; i++)
        {
            var sequence = reader.UInt64("session sequence");
            var status = (ApplyStatus)reader.Byte("session result status");
            var result = new ApplyResult(status, reader.UInt64("session result version"), reader.Int64("session result count"));
            if (!Enum.IsDefined(status) || sequence < client.Floor || !client.Results.TryAdd(sequence, result))
            {
                throw new StateMachineFormatException($"Snapshot session {clientId} has an invalid result for sequence {sequence}.");
            }
        }

        sessions.Restore(clientId, client);
    }

    private static void CheckEnd(ref FormatReader reader, int entries, int sessions, long headerEntries)
    {
        var expectedEntries = reader.Int64("entry count");
        var expectedSessions = reader.Int64("session count");
        reader.ExpectEnd("snapshot end frame");
        if (expectedEntries != entries || expectedSessions != sessions || headerEntries != entries)
        {
            throw new StateMachineFormatException(
                $"Snapshot is incomplete: {entries} entries and {sessions} sessions read, {expectedEntries} and {expectedSessions} written.");
        }
    }

    /// <summary>
    /// The header's entry count sizes the table up front, but it is only a claim: it is capped by what the
    /// stream's remaining bytes can hold (or by a modest default for a stream of unknown length), so a hostile
    /// 36-byte header cannot make the reader allocate a table for millions of entries.
    /// </summary>
    private static int PresizeFor(Stream stream, long entryCount)
    {
        var cap = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) / SnapshotFormat.EntryFixedBytes : SnapshotFormat.UnknownLengthPresizedEntries;
        return (int)Math.Min(Math.Min(entryCount, cap), SnapshotFormat.MaxPresizedEntries);
    }

    /// <summary>
    /// Reads a frame's payload and CRC after its prefix. A frame larger than the buffer grows it only as bytes
    /// actually arrive (doubling), so a length field claiming 65 MiB in a short stream costs at most twice the
    /// bytes present, never the claimed size.
    /// </summary>
    private static void ReadFrameBody(Stream stream, ref byte[] buffer, int count, string what)
    {
        var start = SnapshotFormat.FramePrefixBytes;
        if (stream.CanSeek && count > stream.Length - stream.Position)
        {
            throw new StateMachineFormatException($"Snapshot is truncated: the {what} claims {count} bytes, {stream.Length - stream.Position} are left.");
        }

        var done = 0;
        while (done < count)
        {
            if (start + done == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)start + count, 2L * buffer.Length));
            }

            var read = stream.Read(buffer.AsSpan(start + done, Math.Min(count - done, buffer.Length - start - done)));
            if (read <= 0)
            {
                throw new StateMachineFormatException($"Snapshot is truncated: the stream ended inside the {what}.");
            }

            done += read;
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new StateMachineFormatException($"Snapshot is truncated: the stream ended inside the {what}.", e);
        }
    }
}
