// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Collections.Immutable;
using RaftCache.Raft;

namespace RaftCache.Storage;

/// <summary>Encodes and decodes record payloads (layouts in docs/storage.md). Decoders throw <see cref="FormatException"/>.</summary>
internal static class RecordPayloads
{
    public const int EntriesHeaderBytes = 12;
    public const int EntryHeaderBytes = 13;
    public const int MaxConfMembers = 4096;

    public static void WriteEntries(StagingBuffer buffer, IReadOnlyList<Entry> entries, int start, int count)
    {
        var head = buffer.Payload(EntriesHeaderBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(head, entries[start].Index);
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)count);
        for (var i = start; i < start + count; i++)
        {
            var entry = entries[i];
            var span = buffer.Payload(EntryHeaderBytes + entry.Data.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(span, entry.Term);
            span[8] = (byte)entry.Type;
            BinaryPrimitives.WriteUInt32LittleEndian(span[9..], (uint)entry.Data.Length);
            entry.Data.Span.CopyTo(span[EntryHeaderBytes..]);
        }
    }

    /// <summary>Decodes entries; their data are slices of <paramref name="payload"/> (which must not be reused).</summary>
    public static List<Entry> ReadEntries(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        if (span.Length < EntriesHeaderBytes) throw new FormatException("entries record too short");
        var index = BinaryPrimitives.ReadUInt64LittleEndian(span);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        if (count == 0 || count > span.Length / EntryHeaderBytes || index == 0) throw new FormatException("bad entry count or index");
        var entries = new List<Entry>((int)count);
        var offset = EntriesHeaderBytes;
        for (var i = 0u; i < count; i++)
        {
            if (span.Length - offset < EntryHeaderBytes) throw new FormatException("entry header past the record end");
            var term = BinaryPrimitives.ReadUInt64LittleEndian(span[offset..]);
            var type = span[offset + 8];
            var length = BinaryPrimitives.ReadUInt32LittleEndian(span[(offset + 9)..]);
            offset += EntryHeaderBytes;
            if (length > span.Length - offset) throw new FormatException("entry data past the record end");
            if (type > (byte)EntryType.ConfChange) throw new FormatException($"unknown entry type {type}");
            entries.Add(new Entry(index + i, term, (EntryType)type, payload.Slice(offset, (int)length)));
            offset += (int)length;
        }

        if (offset != span.Length) throw new FormatException("trailing bytes after the entries");
        return entries;
    }

    public static void WritePair(StagingBuffer buffer, ulong first, ulong second)
    {
        var span = buffer.Payload(16);
        BinaryPrimitives.WriteUInt64LittleEndian(span, first);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], second);
    }

    public static (ulong First, ulong Second) ReadPair(ReadOnlySpan<byte> span)
    {
        if (span.Length != 16) throw new FormatException("expected 16 bytes");
        return (BinaryPrimitives.ReadUInt64LittleEndian(span), BinaryPrimitives.ReadUInt64LittleEndian(span[8..]));
    }

    public static void WriteHardState(StagingBuffer buffer, HardState state)
    {
        var span = buffer.Payload(24);
        BinaryPrimitives.WriteUInt64LittleEndian(span, state.Term);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], state.Vote);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], state.Commit);
    }

    public static HardState ReadHardState(ReadOnlySpan<byte> span)
    {
        if (span.Length != 24) throw new FormatException("hard state must be 24 bytes");
        return new HardState(BinaryPrimitives.ReadUInt64LittleEndian(span), BinaryPrimitives.ReadUInt64LittleEndian(span[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[16..]));
    }

    /// <summary>A Snapshot record: u8 1 when the log was kept (it contained (index, term)), 0 when discarded; then the metadata.</summary>
    public static byte[] EncodeSnapshotRecord(SnapshotMetadata metadata, bool logKept)
    {
        var meta = EncodeSnapshotMetadata(metadata);
        var bytes = new byte[1 + meta.Length];
        bytes[0] = logKept ? (byte)1 : (byte)0;
        meta.CopyTo(bytes, 1);
        return bytes;
    }

    public static (SnapshotMetadata Metadata, bool LogKept) ReadSnapshotRecord(ReadOnlySpan<byte> span)
    {
        if (span.Length < 1 || span[0] > 1) throw new FormatException("bad snapshot record flag");
        return (ReadSnapshotMetadata(span[1..]), span[0] == 1);
    }

    public static byte[] EncodeSnapshotMetadata(SnapshotMetadata metadata)
    {
        var conf = metadata.ConfState;
        var lists = new[] { conf.Voters, conf.VotersOutgoing, conf.Learners, conf.LearnersNext };
        var bytes = new byte[17 + lists.Sum(l => 4 + (8 * l.Length))];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, metadata.Index);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), metadata.Term);
        bytes[16] = conf.AutoLeave ? (byte)1 : (byte)0;
        var offset = 17;
        foreach (var list in lists)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)list.Length);
            offset += 4;
            foreach (var id in list)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), id);
                offset += 8;
            }
        }

        return bytes;
    }

    public static SnapshotMetadata ReadSnapshotMetadata(ReadOnlySpan<byte> span)
    {
        if (span.Length < 17 || span[16] > 1) throw new FormatException("bad snapshot metadata");
        var lists = new ImmutableArray<ulong>[4];
        var offset = 17;
        for (var l = 0; l < lists.Length; l++)
        {
            if (span.Length - offset < 4) throw new FormatException("conf state list past the end");
            var count = BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);
            offset += 4;
            if (count > MaxConfMembers || count * 8 > span.Length - offset) throw new FormatException("conf state list too long");
            var ids = ImmutableArray.CreateBuilder<ulong>((int)count);
            for (var i = 0; i < count; i++, offset += 8) ids.Add(BinaryPrimitives.ReadUInt64LittleEndian(span[offset..]));
            lists[l] = ids.MoveToImmutable();
        }

        if (offset != span.Length) throw new FormatException("trailing bytes after the conf state");
        var conf = new ConfState { Voters = lists[0], VotersOutgoing = lists[1], Learners = lists[2], LearnersNext = lists[3], AutoLeave = span[16] == 1 };
        return new SnapshotMetadata(BinaryPrimitives.ReadUInt64LittleEndian(span), BinaryPrimitives.ReadUInt64LittleEndian(span[8..]), conf);
    }
}
