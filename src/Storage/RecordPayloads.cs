// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Codec;
using RaftCache.Raft;

namespace RaftCache.Storage;

/// <summary>
/// Encodes and decodes record payloads (layouts in docs/storage.md) with the shared codec. The WAL keeps fixed-width
/// fields (the entries header is 13 bytes whatever the numbers), so a record's size is known before it is encoded and
/// batches split exactly at <see cref="WalOptions.MaxRecordBytes"/>. Decoders throw <see cref="FormatException"/>.
/// </summary>
internal static class RecordPayloads
{
    public const int EntriesHeaderBytes = 12;
    public const int EntryHeaderBytes = 13;
    public const int MaxConfMembers = 4096;

    public static void WriteEntries(StagingBuffer buffer, IReadOnlyList<Entry> entries, int start, int count)
    {
        var w = new ByteWriter(buffer);
        w.UInt64(entries[start].Index);
        w.UInt32((uint)count);
        for (var i = start; i < start + count; i++)
        {
            var entry = entries[i];
            w.UInt64(entry.Term);
            w.Byte((byte)entry.Type);
            w.UInt32((uint)entry.Data.Length);
            w.Raw(entry.Data.Span);
        }
    }

    /// <summary>Decodes entries; their data are slices of <paramref name="payload"/> (which must not be reused).</summary>
    public static List<Entry> ReadEntries(ReadOnlyMemory<byte> payload)
    {
        var r = new ByteReader<FormatErrors>(payload.Span);
        var index = r.UInt64("first index");
        var count = r.UInt32("entry count");
        if (count == 0 || index == 0) throw new FormatException("bad entry count or index");
        r.CheckFits(count, "entry", EntryHeaderBytes);
        var entries = new List<Entry>((int)count);
        for (var i = 0u; i < count; i++)
        {
            var term = r.UInt64("entry term");
            var type = r.Byte("entry type");
            var length = r.UInt32("entry data length");
            if (type > (byte)EntryType.ConfChange) throw new FormatException($"unknown entry type {type}");
            if (length > (uint)r.Remaining) throw new FormatException("entry data past the record end");
            var at = r.Position;
            r.Take((int)length, "entry data");
            entries.Add(new Entry(index + i, term, (EntryType)type, payload.Slice(at, (int)length)));
        }

        r.ExpectEnd("the entries");
        return entries;
    }

    public static void WritePair(StagingBuffer buffer, ulong first, ulong second)
    {
        var w = new ByteWriter(buffer);
        w.UInt64(first);
        w.UInt64(second);
    }

    public static (ulong First, ulong Second) ReadPair(ReadOnlySpan<byte> span)
    {
        if (span.Length != 16) throw new FormatException("expected 16 bytes");
        var r = new ByteReader<FormatErrors>(span);
        return (r.UInt64(), r.UInt64());
    }

    public static void WriteHardState(StagingBuffer buffer, HardState state)
    {
        var w = new ByteWriter(buffer);
        w.UInt64(state.Term);
        w.UInt64(state.Vote);
        w.UInt64(state.Commit);
    }

    public static HardState ReadHardState(ReadOnlySpan<byte> span)
    {
        if (span.Length != 24) throw new FormatException("hard state must be 24 bytes");
        var r = new ByteReader<FormatErrors>(span);
        return new HardState(r.UInt64(), r.UInt64(), r.UInt64());
    }

    /// <summary>A Snapshot record: u8 1 when the log was kept (it contained (index, term)), 0 when discarded; then the metadata.</summary>
    public static void WriteSnapshotRecord(StagingBuffer buffer, SnapshotMetadata metadata, bool logKept)
    {
        var w = new ByteWriter(buffer);
        w.Boolean(logKept);
        WriteSnapshotMetadata(ref w, metadata);
    }

    public static (SnapshotMetadata Metadata, bool LogKept) ReadSnapshotRecord(ReadOnlySpan<byte> span)
    {
        var r = new ByteReader<FormatErrors>(span);
        var logKept = r.Boolean("snapshot record flag");
        return (ReadSnapshotMetadata(r.Rest()), logKept);
    }

    public static int SnapshotRecordBytes(SnapshotMetadata metadata) => 1 + SnapshotMetadataBytes(metadata);

    public static int SnapshotMetadataBytes(SnapshotMetadata metadata)
    {
        var conf = metadata.ConfState;
        return 17 + 16 + (8 * (conf.Voters.Length + conf.VotersOutgoing.Length + conf.Learners.Length + conf.LearnersNext.Length));
    }

    /// <summary>
    /// Snapshot metadata as the WAL and snapshot files hold it: u64 index, u64 term, u8 autoLeave, then four lists
    /// (voters, votersOutgoing, learners, learnersNext), each u32 count + u64 ids.
    /// </summary>
    public static void WriteSnapshotMetadata(ref ByteWriter w, SnapshotMetadata metadata)
    {
        var conf = metadata.ConfState;
        w.UInt64(metadata.Index);
        w.UInt64(metadata.Term);
        w.Boolean(conf.AutoLeave);
        foreach (var list in (ReadOnlySpan<ImmutableArray<ulong>>)[conf.Voters, conf.VotersOutgoing, conf.Learners, conf.LearnersNext])
        {
            w.UInt32((uint)list.Length);
            foreach (var id in list) w.UInt64(id);
        }
    }

    public static SnapshotMetadata ReadSnapshotMetadata(ReadOnlySpan<byte> span)
    {
        var r = new ByteReader<FormatErrors>(span);
        var index = r.UInt64("snapshot index");
        var term = r.UInt64("snapshot term");
        var autoLeave = r.Boolean("auto leave");
        var conf = new ConfState
        {
            Voters = ReadIds(ref r),
            VotersOutgoing = ReadIds(ref r),
            Learners = ReadIds(ref r),
            LearnersNext = ReadIds(ref r),
            AutoLeave = autoLeave,
        };
        r.ExpectEnd("the conf state");
        return new SnapshotMetadata(index, term, conf);
    }

    private static ImmutableArray<ulong> ReadIds(ref ByteReader<FormatErrors> r)
    {
        var count = r.UInt32("conf state list length");
        if (count > MaxConfMembers) throw new FormatException("conf state list too long");
        r.CheckFits(count, "conf state id", 8);
        var ids = ImmutableArray.CreateBuilder<ulong>((int)count);
        for (var i = 0; i < count; i++) ids.Add(r.UInt64("conf state id"));
        return ids.MoveToImmutable();
    }
}
