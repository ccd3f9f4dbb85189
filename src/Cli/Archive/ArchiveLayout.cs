// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Cli.Archive;

/// <summary>
/// The byte layout of an archive file: a 12-byte header ("RCBACKUP", u16 version, u8 flags, u8 zero), the parts
/// back to back, the manifest JSON, and a 44-byte trailer: u32 manifest length, SHA-256 of every byte before the
/// trailer, "RCBKEND1". An encrypted archive (flag 1) is the header followed by the plain archive in AES-GCM chunks.
/// </summary>
public static class ArchiveLayout
{
    public static ReadOnlySpan<byte> Magic => "RCBACKUP"u8;

    public static ReadOnlySpan<byte> EndMagic => "RCBKEND1"u8;

    public const int HeaderBytes = 12;
    public const int TrailerBytes = 4 + 32 + 8;
    public const ushort Version = 1;
    public const byte EncryptedFlag = 1;

    /// <summary>Longest manifest read (a named limit: 16,384 shards at most, each part under 1 KiB of JSON).</summary>
    public const int MaxManifestBytes = 16 << 20;

    /// <summary>Largest part read into memory at once: one shard (a node's shard memory limit is far below it).</summary>
    public const long MaxPartBytes = 2L << 30;

    public static byte[] Header(bool encrypted)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), Version);
        header[10] = encrypted ? EncryptedFlag : (byte)0;
        return header;
    }
}
