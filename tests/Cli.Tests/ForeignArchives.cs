// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using RaftCache.Cli.Archive;

namespace RaftCache.Cli.Tests;

/// <summary>Builds an archive whose every checksum is right but one part comes from another cluster's archive.</summary>
public static class ForeignArchives
{
    public static string Splice(string archive, string foreign, string output)
    {
        using var own = ArchiveReader.Open(archive, keyFile: null);
        using var other = ArchiveReader.Open(foreign, keyFile: null);
        var bytes = File.ReadAllBytes(archive);
        var otherBytes = File.ReadAllBytes(foreign);
        var stranger = other.Manifest.Parts[0];
        using var file = new MemoryStream();
        file.Write(bytes.AsSpan(0, ArchiveLayout.HeaderBytes));
        var parts = new List<ManifestPart>();
        foreach (var part in own.Manifest.Parts)
        {
            // The first part is replaced by the other cluster's, keeping this part's shard and slot range in the manifest.
            var body = part == own.Manifest.Parts[0] ? otherBytes.AsSpan((int)stranger.Offset, (int)stranger.Length) : bytes.AsSpan((int)part.Offset, (int)part.Length);
            var source = part == own.Manifest.Parts[0] ? stranger : part;
            parts.Add(part with { Offset = file.Position, Length = body.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(body)), Keys = source.Keys, ContentDigest = source.ContentDigest });
            file.Write(body);
        }
        var manifest = JsonSerializer.SerializeToUtf8Bytes(own.Manifest with { Parts = parts });
        file.Write(manifest);
        var trailer = new byte[ArchiveLayout.TrailerBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, (uint)manifest.Length);
        SHA256.HashData(file.ToArray()).CopyTo(trailer, 4);
        ArchiveLayout.EndMagic.CopyTo(trailer.AsSpan(36));
        file.Write(trailer);
        File.WriteAllBytes(output, file.ToArray());
        return output;
    }
}
