// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RaftCache.Cli.Archive;

/// <summary>
/// AES-256-GCM over a whole plain archive, in chunks of at most 1 MiB: the archive header (flag 1), u32 key id, an
/// 8-byte random nonce prefix, then per chunk u32 length, ciphertext, 16-byte tag. Each chunk's nonce is the prefix and
/// its number; its associated data binds the header, key id, number and whether it is the last, so reordered,
/// dropped or cut chunks fail their tag, and a missing last chunk reads as truncation.
/// </summary>
public static class ArchiveCipher
{
    private const int ChunkBytes = 1 << 20;
    private const int TagBytes = 16;

    public static void Encrypt(string plainPath, string encryptedPath, KeyFile keys)
    {
        var id = keys.ActiveId;
        using var aes = new AesGcm(keys.Keys[id], TagBytes);
        using var input = File.OpenRead(plainPath);
        using var output = new FileStream(encryptedPath, FileMode.CreateNew, FileAccess.Write);
        var header = ArchiveLayout.Header(encrypted: true);
        var prefix = RandomNumberGenerator.GetBytes(8);
        output.Write(header);
        Span<byte> idBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(idBytes, id);
        output.Write(idBytes);
        output.Write(prefix);
        var plain = new byte[ChunkBytes];
        var cipher = new byte[ChunkBytes];
        var tag = new byte[TagBytes];
        var remaining = input.Length;
        var lengthBytes = new byte[4];
        for (uint chunk = 0; ; chunk++)
        {
            var length = (int)Math.Min(ChunkBytes, remaining);
            input.ReadExactly(plain, 0, length);
            remaining -= length;
            var last = remaining == 0;
            aes.Encrypt(Nonce(prefix, chunk), plain.AsSpan(0, length), cipher.AsSpan(0, length), tag, Aad(header, id, chunk, last));
            BinaryPrimitives.WriteInt32LittleEndian(lengthBytes, length);
            output.Write(lengthBytes);
            output.Write(cipher, 0, length);
            output.Write(tag);
            if (last) break;
        }
        output.Flush(flushToDisk: true);
    }

    public static void Decrypt(string encryptedPath, string plainPath, KeyFile keys)
    {
        using var input = File.OpenRead(encryptedPath);
        var header = new byte[ArchiveLayout.HeaderBytes + 12];
        if (input.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) throw Refused(encryptedPath, "it is truncated");
        var id = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(ArchiveLayout.HeaderBytes));
        if (!keys.Keys.TryGetValue(id, out var key)) throw Refused(encryptedPath, $"it was encrypted with key id {id}, which the key file does not hold");
        var prefix = header.AsSpan(ArchiveLayout.HeaderBytes + 4, 8).ToArray();
        var fileHeader = header.AsSpan(0, ArchiveLayout.HeaderBytes).ToArray();
        using var aes = new AesGcm(key, TagBytes);
        using var output = new FileStream(plainPath, FileMode.CreateNew, FileAccess.Write);
        var cipher = new byte[ChunkBytes];
        var plain = new byte[ChunkBytes];
        var tag = new byte[TagBytes];
        var lengthBytes = new byte[4];
        for (uint chunk = 0; ; chunk++)
        {
            if (input.ReadAtLeast(lengthBytes, 4, throwOnEndOfStream: false) < 4) throw Refused(encryptedPath, "it is truncated (its last chunk is missing)");
            var length = BinaryPrimitives.ReadInt32LittleEndian(lengthBytes);
            if (length is < 0 or > ChunkBytes || input.ReadAtLeast(cipher.AsMemory(0, length).Span, length, throwOnEndOfStream: false) < length
                || input.ReadAtLeast(tag, TagBytes, throwOnEndOfStream: false) < TagBytes)
            {
                throw Refused(encryptedPath, "it is truncated or damaged");
            }
            var last = input.Position == input.Length;
            try
            {
                aes.Decrypt(Nonce(prefix, chunk), cipher.AsSpan(0, length), tag, plain.AsSpan(0, length), Aad(fileHeader, id, chunk, last));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw Refused(encryptedPath, last ? "it is damaged, truncated, or the key is not the one it was written with" : "it is damaged or the key is not the one it was written with");
            }
            output.Write(plain, 0, length);
            if (last) return;
        }
    }

    private static byte[] Nonce(byte[] prefix, uint chunk)
    {
        var nonce = new byte[12];
        prefix.CopyTo(nonce, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(nonce.AsSpan(8), chunk);
        return nonce;
    }

    private static byte[] Aad(byte[] header, uint keyId, uint chunk, bool last)
    {
        var aad = new byte[header.Length + 4 + 4 + 1];
        header.CopyTo(aad, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(aad.AsSpan(header.Length), keyId);
        BinaryPrimitives.WriteUInt32LittleEndian(aad.AsSpan(header.Length + 4), chunk);
        aad[^1] = last ? (byte)1 : (byte)0;
        return aad;
    }

    private static CliException Refused(string path, string reason) => new(ExitCodes.ArchiveRefused, $"Archive {path} refused: {reason}. Nothing was restored.");
}
