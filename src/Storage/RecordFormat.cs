// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using RaftCache.Codec;

namespace RaftCache.Storage;

/// <summary>What a WAL record says. Persisted: values are explicit and only ever appended (docs/storage.md).</summary>
public enum RecordType : byte
{
    /// <summary>First record of every segment: magic, format version, segment number.</summary>
    SegmentHeader = 1,

    /// <summary>Last record of a sealed segment: replay continues in the next file. Only the last segment may lack it.</summary>
    SegmentSeal = 2,

    /// <summary>Consecutive entries; replaces the group's log from the first entry's index on (suffix overwrite).</summary>
    Entries = 3,

    HardState = 4,

    /// <summary>A durable snapshot exists at (index, term); a log that does not contain (index, term) is discarded.</summary>
    Snapshot = 5,

    /// <summary>Entries up to (index, term) are no longer needed.</summary>
    Compact = 6,

    /// <summary>Start of a group's carried-forward state: resets the group's log to start after (index, term).</summary>
    CheckpointBegin = 7,

    /// <summary>End of a carried-forward state; a begin without its end is an unsynced, torn rewrite and is cut.</summary>
    CheckpointEnd = 8,

    /// <summary>
    /// The node no longer holds a replica of the group: everything recorded for it before is void. Records of the
    /// same group after it begin a new incarnation, built from empty (the group may come back to this node).
    /// </summary>
    DropGroup = 9,
}

/// <summary>
/// Byte layout of a WAL record (little-endian; docs/storage.md is the reference, keep both in sync):
/// <code>
/// 0  u32 crc32c of bytes [4, 32 + payloadLength)
/// 4  u32 payloadLength
/// 8  u8  type
/// 9  u8  flags: bit 0 = part of a carried-forward checkpoint; then 6 zero bytes
/// 16 u64 group id (0 for segment records)
/// 24 u64 lsn: +1 per data record; segment records carry the next lsn without consuming it
/// 32 payload, then zero padding to a multiple of 8
/// </code>
/// </summary>
internal static class RecordFormat
{
    public const int HeaderBytes = 32;
    public const int Alignment = 8;
    public const ulong SegmentMagic = 0x3147455357414352; // "RCWASEG1" little-endian
    public const uint FormatVersion = 1;

    /// <summary>Segments started by a WAL with encryption configured; their data records carry <see cref="EncryptedFlag"/>.</summary>
    public const uint EncryptedFormatVersion = 2;
    public const int SegmentHeaderPayloadBytes = 24;
    public const byte CheckpointFlag = 1;

    /// <summary>Flags bit 1: the payload is AES-GCM encrypted (<see cref="RecordCipher"/>).</summary>
    public const byte EncryptedFlag = 2;

    public static int RecordBytes(int payloadLength) => HeaderBytes + Align(payloadLength);

    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);

    /// <summary>Fills the header (and checksum) of a record whose payload is already at <c>record[32..]</c>.</summary>
    public static void Seal(Span<byte> record, RecordType type, byte flags, ulong group, ulong lsn, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)payloadLength);
        WriteIdentity(record, type, flags, group, lsn);
        record.Slice(HeaderBytes + payloadLength, Align(payloadLength) - payloadLength).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(record, Crc32C.Compute(record[4..(HeaderBytes + payloadLength)]));
    }

    /// <summary>Bytes 8..32 of the header (type, flags, group, lsn): also the associated data of an encrypted payload.</summary>
    public static void WriteIdentity(Span<byte> record, RecordType type, byte flags, ulong group, ulong lsn)
    {
        record[8] = (byte)type;
        record[9] = flags;
        record[10..16].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(record[16..], group);
        BinaryPrimitives.WriteUInt64LittleEndian(record[24..], lsn);
    }

    public static bool IsZeroHeader(ReadOnlySpan<byte> bytes) =>
        bytes.Length < HeaderBytes ? !bytes.ContainsAnyExcept((byte)0) : !bytes[..HeaderBytes].ContainsAnyExcept((byte)0);

    /// <summary>
    /// Checks the record at the start of <paramref name="bytes"/>: known type, length within the limit, fully
    /// present, checksum right. Returns its parsed header, or null when any check fails.
    /// </summary>
    public static RecordHeader? TryRead(ReadOnlySpan<byte> bytes, int maxRecordBytes)
    {
        if (bytes.Length < HeaderBytes) return null;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        var type = bytes[8];
        if (type is < (byte)RecordType.SegmentHeader or > (byte)RecordType.DropGroup) return null;
        if (length > (uint)(maxRecordBytes - HeaderBytes) || HeaderBytes + length > bytes.Length) return null;
        if ((bytes[9] & ~(CheckpointFlag | EncryptedFlag)) != 0 || bytes[10..16].ContainsAnyExcept((byte)0)) return null;
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (crc != Crc32C.Compute(bytes[4..(HeaderBytes + (int)length)])) return null;
        return new RecordHeader((RecordType)type, (bytes[9] & CheckpointFlag) != 0, BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]), (int)length, (bytes[9] & EncryptedFlag) != 0);
    }
}

internal readonly record struct RecordHeader(RecordType Type, bool InCheckpoint, ulong Group, ulong Lsn, int PayloadLength, bool Encrypted = false)
{
    public int RecordBytes => RecordFormat.RecordBytes(PayloadLength);
}
