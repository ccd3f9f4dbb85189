// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using RaftCache.Raft;

namespace RaftCache.Storage;

/// <summary>
/// Layout of a snapshot file (little-endian; docs/storage.md is the reference, keep both in sync):
/// <code>
/// header:  u64 magic "RCSNAP01", u32 format version, u32 metadata length, u64 group id,
///          metadata (index, term, conf state; as in the WAL's Snapshot record), u32 crc32c of the header bytes before it
/// data:    the state machine's bytes, streamed
/// trailer: u64 data length, u32 crc32c of the data, u32 zero, u64 magic "RCSNEND1"
/// </code>
/// </summary>
internal static class SnapshotFile
{
    public const ulong HeaderMagic = 0x31305041534E4352; // "RCSNAP01"
    public const ulong TrailerMagic = 0x31444E454E534352; // "RCSNEND1"
    public const uint FormatVersion = 1;
    public const int TrailerBytes = 24;
    public const int ChunkBytes = 1024 * 1024;

    public static byte[] EncodeHeader(ulong group, SnapshotMetadata metadata)
    {
        var meta = RecordPayloads.EncodeSnapshotMetadata(metadata);
        var header = new byte[24 + meta.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(header, HeaderMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)meta.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), group);
        meta.CopyTo(header.AsSpan(24));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24 + meta.Length), Crc32C.Compute(header.AsSpan(0, 24 + meta.Length)));
        return header;
    }

    public static byte[] EncodeTrailer(long dataLength, uint dataCrc)
    {
        var trailer = new byte[TrailerBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, (ulong)dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(8), dataCrc);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer.AsSpan(16), TrailerMagic);
        return trailer;
    }

    /// <summary>Checks header and trailer; returns the metadata, where the data starts, its length and its expected CRC.</summary>
    public static (ulong Group, SnapshotMetadata Metadata, long DataStart, long DataLength, uint DataCrc) ReadFrame(IStorageFile file, string path)
    {
        var fixedPart = new byte[24];
        if (file.Read(0, fixedPart) != 24 || BinaryPrimitives.ReadUInt64LittleEndian(fixedPart) != HeaderMagic)
            throw new StorageCorruptionException(path, 0, "snapshot header missing or bad magic");
        if (BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.AsSpan(8)) != FormatVersion) throw new StorageCorruptionException(path, 8, "unknown snapshot format version");
        var metaLength = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.AsSpan(12));
        if (metaLength > 64 * 1024) throw new StorageCorruptionException(path, 12, "snapshot metadata too long");
        var header = new byte[24 + metaLength + 4];
        if (file.Read(0, header) != header.Length) throw new StorageCorruptionException(path, 24, "snapshot header truncated");
        var metaEnd = 24 + (int)metaLength;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(metaEnd)) != Crc32C.Compute(header.AsSpan(0, metaEnd)))
            throw new StorageCorruptionException(path, metaEnd, "snapshot header checksum mismatch");
        SnapshotMetadata metadata;
        try
        {
            metadata = RecordPayloads.ReadSnapshotMetadata(header.AsSpan(24, (int)metaLength));
        }
        catch (FormatException e)
        {
            throw new StorageCorruptionException(path, 24, "snapshot metadata undecodable: " + e.Message);
        }

        var trailer = new byte[TrailerBytes];
        var trailerAt = file.Length - TrailerBytes;
        if (trailerAt < header.Length || file.Read(trailerAt, trailer) != TrailerBytes || BinaryPrimitives.ReadUInt64LittleEndian(trailer.AsSpan(16)) != TrailerMagic)
            throw new StorageCorruptionException(path, Math.Max(trailerAt, 0), "snapshot trailer missing (torn or unfinished file)");
        var dataLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(trailer);
        if (dataLength != trailerAt - header.Length) throw new StorageCorruptionException(path, trailerAt, "snapshot data length disagrees with the file size");
        return (BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(16)), metadata, header.Length, dataLength, BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(8)));
    }
}
