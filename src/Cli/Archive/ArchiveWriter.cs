// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace RaftCache.Cli.Archive;

/// <summary>Writes a plain archive part by part: each shard snapshot is appended as it arrives, the manifest last.</summary>
public sealed class ArchiveWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly IncrementalHash _whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<ManifestPart> _parts = [];
    private long _offset;

    public ArchiveWriter(string path)
    {
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        Append(ArchiveLayout.Header(encrypted: false));
    }

    public long BytesWritten => _offset;

    /// <summary>Appends one shard snapshot body as served by the node, after checking it parses.</summary>
    public ManifestPart AddPart(byte[] body, string clusterId)
    {
        var (header, entries) = EntryRecords.ReadSnapshot(body);
        if (header.ClusterId != clusterId) throw new InvalidDataException($"shard {header.Shard} answered for cluster {header.ClusterId}, not {clusterId}");
        var part = new ManifestPart(header.Shard, header.Slots, header.Index, header.Term, header.Keys, header.StateHash,
            ContentDigest.Format(ContentDigest.Of(entries.Select(e => e.Hash()))), DateTimeOffset.FromUnixTimeMilliseconds(header.TakenAtMs),
            _offset, body.Length, Convert.ToHexStringLower(SHA256.HashData(body)));
        Append(body);
        _parts.Add(part);
        return part;
    }

    public Manifest Finish(string clusterId, DateTimeOffset startedAt)
    {
        var manifest = new Manifest(Manifest.FormatName, Manifest.CurrentVersion, clusterId, startedAt, DateTimeOffset.UtcNow, Slots.Count, _parts);
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest);
        Append(json);
        var trailer = new byte[ArchiveLayout.TrailerBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, (uint)json.Length);
        _whole.GetHashAndReset().CopyTo(trailer, 4);
        ArchiveLayout.EndMagic.CopyTo(trailer.AsSpan(36));
        _file.Write(trailer);
        _file.Flush(flushToDisk: true);
        return manifest;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        _file.Write(bytes);
        _whole.AppendData(bytes);
        _offset += bytes.Length;
    }

    public void Dispose()
    {
        _file.Dispose();
        _whole.Dispose();
    }
}
