// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using RaftCache.Codec;

namespace RaftCache.StateMachine;

/// <summary>
/// A point-in-time copy of the state, taken by <see cref="CacheStateMachine.CaptureSnapshot"/> in O(entries) pointer
/// copies (blobs are immutable and shared, not copied). <see cref="WriteTo"/> may then stream it on another thread
/// while the state machine keeps applying.
/// </summary>
public sealed class CacheSnapshot
{
    private readonly Slot[] _entries;
    private readonly KeyValuePair<ulong, SessionTable.ClientState>[] _sessions;

    internal CacheSnapshot(ulong appliedIndex, long memoryLimitBytes, Slot[] entries, KeyValuePair<ulong, SessionTable.ClientState>[] sessions)
    {
        AppliedIndex = appliedIndex;
        MemoryLimitBytes = memoryLimitBytes;
        _entries = entries;
        _sessions = sessions;
    }

    public ulong AppliedIndex { get; }

    public long MemoryLimitBytes { get; }

    public int EntryCount => _entries.Length;

    /// <summary>Writes the snapshot format to <paramref name="stream"/>; safe to call more than once.</summary>
    public void WriteTo(Stream stream)
    {
        Span<byte> header = stackalloc byte[SnapshotFormat.HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, SnapshotFormat.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], SnapshotFormat.Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], AppliedIndex);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], MemoryLimitBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], _entries.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[SnapshotFormat.HeaderCrcOffset..], Crc32C.Compute(header[..SnapshotFormat.HeaderCrcOffset]));
        stream.Write(header);

        var frames = new FrameWriter(stream);
        frames.Begin(SnapshotFrameKind.Entries);
        foreach (ref readonly var entry in _entries.AsSpan())
        {
            WriteEntry(frames, entry);
        }

        frames.Begin(SnapshotFrameKind.Sessions);
        foreach (var (clientId, client) in _sessions)
        {
            WriteSession(frames, clientId, client);
        }

        frames.Begin(SnapshotFrameKind.End);
        var end = frames.Reserve(SnapshotFormat.EndBytes);
        BinaryPrimitives.WriteInt64LittleEndian(end, _entries.Length);
        BinaryPrimitives.WriteInt64LittleEndian(end[8..], _sessions.Length);
        frames.Flush();
    }

    private static void WriteEntry(FrameWriter frames, in Slot entry)
    {
        var key = entry.Key;
        var contentType = entry.ContentType;
        var value = entry.Value;
        var record = frames.Reserve(SnapshotFormat.EntryFixedBytes + key.Length + contentType.Length + value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(record, (ushort)key.Length);
        record[2] = (byte)contentType.Length;
        BinaryPrimitives.WriteInt32LittleEndian(record[3..], value.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(record[7..], entry.Version);
        BinaryPrimitives.WriteInt64LittleEndian(record[15..], entry.ExpiresAtMs);
        key.CopyTo(record[SnapshotFormat.EntryFixedBytes..]);
        contentType.CopyTo(record[(SnapshotFormat.EntryFixedBytes + key.Length)..]);
        value.CopyTo(record[(SnapshotFormat.EntryFixedBytes + key.Length + contentType.Length)..]);
    }

    private static void WriteSession(FrameWriter frames, ulong clientId, SessionTable.ClientState client)
    {
        var record = frames.Reserve(SnapshotFormat.SessionFixedBytes + (client.Results.Count * SnapshotFormat.ResultBytes));
        BinaryPrimitives.WriteUInt64LittleEndian(record, clientId);
        BinaryPrimitives.WriteUInt64LittleEndian(record[8..], client.Floor);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], client.LastActivityMs);
        BinaryPrimitives.WriteInt32LittleEndian(record[24..], client.Results.Count);
        var span = record[SnapshotFormat.SessionFixedBytes..];
        foreach (var (sequence, result) in client.Results)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span, sequence);
            span[8] = (byte)result.Status;
            BinaryPrimitives.WriteUInt64LittleEndian(span[9..], result.Version);
            BinaryPrimitives.WriteInt64LittleEndian(span[17..], result.Count);
            span = span[SnapshotFormat.ResultBytes..];
        }
    }
}
