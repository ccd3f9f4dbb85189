// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Codec;
using RaftCache.Raft;

namespace RaftCache.Storage;

/// <summary>
/// Encodes and decodes record payloads (layouts in docs/storage.md) with the shared codec; entries and snapshot
/// metadata in the one layout of their Raft type (<see cref="EntryCodec"/>, <see cref="SnapshotMetadataCodec"/>),
/// which the peer transport uses too. Fixed-width fields make a record's size known before it is encoded, so
/// batches split exactly at <see cref="WalOptions.MaxRecordBytes"/>. Decoders throw <see cref="FormatException"/>.
/// </summary>
internal static class RecordPayloads
{
    public const int EntriesHeaderBytes = EntryCodec.RunHeaderBytes;
    public const int EntryHeaderBytes = EntryCodec.EntryHeaderBytes;
    public const int MaxConfMembers = 4096;

    public static void WriteEntries(StagingBuffer buffer, IReadOnlyList<Entry> entries, int start, int count)
    {
        var w = new ByteWriter(buffer);
        EntryCodec.Write(ref w, entries, start, count);
    }

    /// <summary>
    /// Decodes entries, each entry's data into an array of its own: the state machine may keep a recovered put's
    /// array as its value, which must not pin the whole record (nor may <paramref name="payload"/> be kept at all).
    /// </summary>
    public static Entry[] ReadEntries(ReadOnlySpan<byte> payload)
    {
        var r = new ByteReader<FormatErrors>(payload);
        var entries = EntryCodec.Read(ref r, int.MaxValue);
        if (entries[0].Index == 0) throw new FormatException("entries record with first index 0");
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

    public static int SnapshotMetadataBytes(SnapshotMetadata metadata) => SnapshotMetadataCodec.Bytes(metadata);

    /// <summary>Snapshot metadata as the WAL, snapshot files and the wire hold it (<see cref="SnapshotMetadataCodec"/>).</summary>
    public static void WriteSnapshotMetadata(ref ByteWriter w, SnapshotMetadata metadata) => SnapshotMetadataCodec.Write(ref w, metadata);

    public static SnapshotMetadata ReadSnapshotMetadata(ReadOnlySpan<byte> span)
    {
        var r = new ByteReader<FormatErrors>(span);
        var metadata = SnapshotMetadataCodec.Read(ref r, MaxConfMembers);
        r.ExpectEnd("the conf state");
        return metadata;
    }
}
