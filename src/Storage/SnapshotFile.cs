// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using RaftCache.Codec;
using RaftCache.Raft;

namespace RaftCache.Storage;

/// <summary>
/// Layout of a snapshot file (little-endian; docs/storage.md is the reference, keep both in sync):
/// <code>
/// header:  u64 magic "RCSNAP01", u32 format version (1 plain, 2 encrypted), u32 metadata length, u64 group id,
///          metadata (index, term, conf state; as in the WAL's Snapshot record),
///          [version 2: u32 key id, 8-byte nonce prefix], u32 crc32c of the header bytes before it
/// data:    the state machine's bytes, streamed (version 2: AES-GCM chunks, <see cref="SnapshotCipher"/>)
/// trailer: u64 data length, u32 crc32c of the data, u32 zero, u64 magic "RCSNEND1"
/// </code>
/// </summary>
internal static class SnapshotFile
{
    public const ulong HeaderMagic = 0x31305041534E4352; // "RCSNAP01"
    public const ulong TrailerMagic = 0x31444E454E534352; // "RCSNEND1"
    public const uint FormatVersion = 1;
    public const uint EncryptedFormatVersion = 2;
    public const int EncryptionFieldBytes = 4 + SnapshotCipher.NoncePrefixBytes;
    public const int TrailerBytes = 24;
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>The header; with <paramref name="encryption"/> it is a version 2 header naming the key and the file's nonce prefix.</summary>
    public static byte[] EncodeHeader(ulong group, SnapshotMetadata metadata, (uint KeyId, byte[] NoncePrefix)? encryption = null)
    {
        var metaLength = RecordPayloads.SnapshotMetadataBytes(metadata);
        var header = new ArrayBufferWriter<byte>(24 + metaLength + EncryptionFieldBytes + 4);
        var w = new ByteWriter(header);
        w.UInt64(HeaderMagic);
        w.UInt32(encryption is null ? FormatVersion : EncryptedFormatVersion);
        w.UInt32((uint)metaLength);
        w.UInt64(group);
        RecordPayloads.WriteSnapshotMetadata(ref w, metadata);
        if (encryption is { } e)
        {
            w.UInt32(e.KeyId);
            w.Raw(e.NoncePrefix);
        }

        w.UInt32(Crc32C.Compute(header.WrittenSpan));
        return header.WrittenSpan.ToArray();
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
    public static (ulong Group, SnapshotMetadata Metadata, long DataStart, long DataLength, uint DataCrc, (uint KeyId, byte[] NoncePrefix)? Encryption) ReadFrame(IStorageFile file, string path)
    {
        var fixedPart = new byte[24];
        if (file.Read(0, fixedPart) != 24 || BinaryPrimitives.ReadUInt64LittleEndian(fixedPart) != HeaderMagic)
            throw new StorageCorruptionException(path, 0, "snapshot header missing or bad magic");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.AsSpan(8));
        if (version is not (FormatVersion or EncryptedFormatVersion)) throw new StorageCorruptionException(path, 8, "unknown snapshot format version");
        var extra = version == EncryptedFormatVersion ? EncryptionFieldBytes : 0;
        var metaLength = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.AsSpan(12));
        if (metaLength > 64 * 1024) throw new StorageCorruptionException(path, 12, "snapshot metadata too long");
        var header = new byte[24 + metaLength + extra + 4];
        if (file.Read(0, header) != header.Length) throw new StorageCorruptionException(path, 24, "snapshot header truncated");
        var metaEnd = 24 + (int)metaLength;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(metaEnd + extra)) != Crc32C.Compute(header.AsSpan(0, metaEnd + extra)))
            throw new StorageCorruptionException(path, metaEnd + extra, "snapshot header checksum mismatch");
        (uint, byte[])? encryption = extra == 0 ? null : (BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(metaEnd)), header.AsSpan(metaEnd + 4, SnapshotCipher.NoncePrefixBytes).ToArray());
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
        return (BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(16)), metadata, header.Length, dataLength, BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(8)), encryption);
    }
}
