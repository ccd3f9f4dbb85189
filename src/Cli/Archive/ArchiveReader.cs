// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using RaftCache.Codec;

namespace RaftCache.Cli.Archive;

/// <summary>
/// Opens an archive and refuses it, before anything is restored, unless every check passes: markers, the whole-file
/// SHA-256, the manifest, every part's SHA-256, record structure, key count and content digest, that every part
/// comes from the manifest's cluster, and that the parts cover all 16,384 slots exactly once.
/// </summary>
public sealed class ArchiveReader : IDisposable
{
    private readonly string _path;
    private readonly string? _decrypted;

    private ArchiveReader(string path, string? decrypted, Manifest manifest)
    {
        _path = decrypted ?? path;
        _decrypted = decrypted;
        Manifest = manifest;
    }

    public Manifest Manifest { get; }

    public static ArchiveReader Open(string path, string? keyFile)
    {
        if (!File.Exists(path)) throw new CliException(ExitCodes.Usage, $"{path} does not exist.");
        string? decrypted = null;
        try
        {
            if (IsEncrypted(path))
            {
                if (keyFile is null) throw Refused(path, "it is encrypted: give the key file it was written with (--encryption-key-file)");
                decrypted = Path.Combine(Path.GetTempPath(), $"raftcache-restore-{Guid.NewGuid():N}");
                ArchiveCipher.Decrypt(path, decrypted, KeyFile.Read(keyFile));
            }
            var reader = new ArchiveReader(path, decrypted, ReadManifest(decrypted ?? path, path));
            reader.VerifyParts(path);
            return reader;
        }
        catch
        {
            if (decrypted is not null) File.Delete(decrypted);
            throw;
        }
    }

    /// <summary>Every part with its entries, one at a time (one shard in memory at once).</summary>
    public IEnumerable<(ManifestPart Part, List<BackupEntry> Entries)> Parts()
    {
        using var file = File.OpenRead(_path);
        foreach (var part in Manifest.Parts)
        {
            var body = new byte[part.Length];
            file.Position = part.Offset;
            file.ReadExactly(body);
            yield return (part, EntryRecords.ReadSnapshot(body).Entries);
        }
    }

    private static bool IsEncrypted(string path)
    {
        using var file = File.OpenRead(path);
        var header = new byte[ArchiveLayout.HeaderBytes];
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.AsSpan(0, 8).SequenceEqual(ArchiveLayout.Magic))
            throw Refused(path, "it is not a RaftCache backup archive (no RCBACKUP header)");
        if (BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)) != ArchiveLayout.Version)
            throw Refused(path, $"its format version {BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8))} is not one this tool reads ({ArchiveLayout.Version})");
        return header[10] == ArchiveLayout.EncryptedFlag;
    }

    private static Manifest ReadManifest(string plain, string shown)
    {
        using var file = File.OpenRead(plain);
        var length = file.Length;
        if (length < ArchiveLayout.HeaderBytes + ArchiveLayout.TrailerBytes) throw Refused(shown, "it is truncated (shorter than its header and trailer)");
        var trailer = new byte[ArchiveLayout.TrailerBytes];
        file.Position = length - trailer.Length;
        file.ReadExactly(trailer);
        if (!trailer.AsSpan(36).SequenceEqual(ArchiveLayout.EndMagic)) throw Refused(shown, "it is truncated (its end marker is missing)");
        var manifestLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var manifestOffset = length - trailer.Length - manifestLength;
        if (manifestLength > ArchiveLayout.MaxManifestBytes || manifestOffset < ArchiveLayout.HeaderBytes) throw Refused(shown, "it is damaged (the manifest length is impossible)");
        file.Position = 0;
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[1 << 16];
            var left = length - trailer.Length;
            while (left > 0)
            {
                var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read == 0) throw Refused(shown, "it is truncated");
                hash.AppendData(buffer, 0, read);
                left -= read;
            }
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(trailer.AsSpan(4, 32))) throw Refused(shown, "it is damaged (its SHA-256 checksum does not match: a byte changed)");
        }
        var json = new byte[manifestLength];
        file.Position = manifestOffset;
        file.ReadExactly(json);
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(json);
        }
        catch (JsonException e)
        {
            throw Refused(shown, "its manifest is not valid JSON: " + e.Message);
        }
        if (manifest is null || manifest.Format != Manifest.FormatName || manifest.Version != Manifest.CurrentVersion || manifest.Parts is null)
            throw Refused(shown, "its manifest is not a raftcache-backup version 1 manifest");
        foreach (var part in manifest.Parts)
        {
            if (part.Offset < ArchiveLayout.HeaderBytes || part.Length < 4 || part.Length > ArchiveLayout.MaxPartBytes || part.Offset + part.Length > manifestOffset)
                throw Refused(shown, $"part for shard {part.Shard} lies outside the archive");
        }
        return manifest;
    }

    private void VerifyParts(string shown)
    {
        if (Manifest.SlotCount != Slots.Count) throw Refused(shown, $"it was made for {Manifest.SlotCount} slots, not {Slots.Count}");
        var covered = new bool[Slots.Count];
        using var file = File.OpenRead(_path);
        foreach (var part in Manifest.Parts)
        {
            var body = new byte[part.Length];
            file.Position = part.Offset;
            file.ReadExactly(body);
            if (Convert.ToHexStringLower(SHA256.HashData(body)) != part.Sha256) throw Refused(shown, $"the part of shard {part.Shard} does not match its checksum");
            ShardSnapshotHeader header;
            List<BackupEntry> entries;
            try
            {
                (header, entries) = EntryRecords.ReadSnapshot(body);
            }
            catch (InvalidDataException e)
            {
                throw Refused(shown, $"the part of shard {part.Shard} is malformed: {e.Message}");
            }
            if (header.ClusterId != Manifest.ClusterId)
                throw Refused(shown, $"the part of shard {part.Shard} comes from cluster {header.ClusterId}, but the archive is of cluster {Manifest.ClusterId} (a foreign part)");
            if (header.Shard != part.Shard || header.Keys != part.Keys || ContentDigest.Format(ContentDigest.Of(entries.Select(e => e.Hash()))) != part.ContentDigest)
                throw Refused(shown, $"the part of shard {part.Shard} does not match what the manifest says of it");
            if (part.Slots is not [var first, var last] || first < 0 || last >= Slots.Count || first > last) throw Refused(shown, $"shard {part.Shard} has an impossible slot range");
            for (var slot = first; slot <= last; slot++)
            {
                if (covered[slot]) throw Refused(shown, $"slot {slot} is covered by two parts");
                covered[slot] = true;
            }
            if (entries.FirstOrDefault(e => Slots.Of(e.Key) is var s && (s < first || s > last)) is { } stray)
                throw Refused(shown, $"the part of shard {part.Shard} holds a key of slot {Slots.Of(stray.Key)}, outside its range (a foreign part)");
        }
        if (Array.IndexOf(covered, false) is var gap and >= 0) throw Refused(shown, $"it is incomplete: no part covers slot {gap}");
    }

    private static CliException Refused(string path, string reason) => new(ExitCodes.ArchiveRefused, $"Archive {path} refused: {reason}. Nothing was restored.");

    public void Dispose()
    {
        if (_decrypted is not null) File.Delete(_decrypted);
    }
}
