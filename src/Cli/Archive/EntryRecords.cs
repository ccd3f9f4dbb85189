// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaftCache.Cli.Archive;

/// <summary>One cache entry as the backup API carries it: key, content type, value, absolute expiry (Unix ms, -1 = none).</summary>
public sealed record Entry(byte[] Key, byte[] ContentType, byte[] Value, long ExpiresAtMs)
{
    public const long NoExpiry = -1;

    public bool LiveAt(long nowMs) => ExpiresAtMs == NoExpiry || ExpiresAtMs > nowMs;

    /// <summary>The record's own hash: the first 8 bytes of SHA-256 of its encoding (key, content type, expiry, value).</summary>
    public ulong Hash()
    {
        var buffer = new ArrayBufferWriter<byte>(Key.Length + ContentType.Length + Value.Length + 16);
        EntryRecords.Write(buffer, this);
        return BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(buffer.WrittenSpan));
    }
}

/// <summary>The JSON header the node puts before a shard's entries (GET /admin/shards/{id}/snapshot).</summary>
public sealed record ShardHeader(
    [property: JsonPropertyName("cluster_id")] string ClusterId,
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("slots")] int[] Slots,
    [property: JsonPropertyName("index")] ulong Index,
    [property: JsonPropertyName("term")] ulong Term,
    [property: JsonPropertyName("keys")] int Keys,
    [property: JsonPropertyName("state_hash")] string StateHash,
    [property: JsonPropertyName("taken_at_ms")] long TakenAtMs);

/// <summary>
/// The records of the backup API (docs/api.md, "Backup and restore"), little-endian: u16 key length, key, u8 content-type
/// length, content type, i64 expiry ms (-1 = none), i32 value length, value.
/// </summary>
public static class EntryRecords
{
    public const int MaxKeyBytes = 1024;

    /// <summary>Largest value accepted when reading: the node's own largest configurable value is below it.</summary>
    public const int MaxValueBytes = 64 << 20;

    public static void Write(IBufferWriter<byte> output, Entry entry)
    {
        var size = 2 + entry.Key.Length + 1 + entry.ContentType.Length + 12 + entry.Value.Length;
        var span = output.GetSpan(size);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)entry.Key.Length);
        entry.Key.CopyTo(span[2..]);
        var at = 2 + entry.Key.Length;
        span[at] = (byte)entry.ContentType.Length;
        entry.ContentType.CopyTo(span[(at + 1)..]);
        at += 1 + entry.ContentType.Length;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.ExpiresAtMs);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 8)..], entry.Value.Length);
        entry.Value.CopyTo(span[(at + 12)..]);
        output.Advance(size);
    }

    public static int SizeOf(Entry entry) => 2 + entry.Key.Length + 1 + entry.ContentType.Length + 12 + entry.Value.Length;

    /// <summary>Splits a shard snapshot body into its header and entries; a malformed body throws <see cref="InvalidDataException"/>.</summary>
    public static (ShardHeader Header, List<Entry> Entries) ReadSnapshot(ReadOnlySpan<byte> body)
    {
        if (body.Length < 4) throw new InvalidDataException("the shard snapshot is shorter than its header");
        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(body);
        if (headerLength > 64 << 10 || body.Length - 4 < headerLength) throw new InvalidDataException("the shard snapshot's header is truncated");
        ShardHeader header;
        try
        {
            header = JsonSerializer.Deserialize<ShardHeader>(body.Slice(4, (int)headerLength)) ?? throw new InvalidDataException("the shard snapshot's header is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("the shard snapshot's header is not valid JSON: " + e.Message);
        }
        var entries = Read(body[(4 + (int)headerLength)..]);
        if (entries.Count != header.Keys) throw new InvalidDataException($"shard {header.Shard}: the header announces {header.Keys} entries, {entries.Count} follow");
        return (header, entries);
    }

    public static List<Entry> Read(ReadOnlySpan<byte> data)
    {
        var entries = new List<Entry>();
        var at = 0;
        while (at < data.Length)
        {
            var start = at;
            if (data.Length - at < 2) throw Malformed(start);
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);
            at += 2;
            if (keyLength is 0 or > MaxKeyBytes || data.Length - at < keyLength + 1) throw Malformed(start);
            var key = data.Slice(at, keyLength).ToArray();
            at += keyLength;
            var typeLength = data[at++];
            if (data.Length - at < typeLength + 12) throw Malformed(start);
            var type = data.Slice(at, typeLength).ToArray();
            at += typeLength;
            var expires = BinaryPrimitives.ReadInt64LittleEndian(data[at..]);
            var valueLength = BinaryPrimitives.ReadInt32LittleEndian(data[(at + 8)..]);
            at += 12;
            if (expires < Entry.NoExpiry || valueLength < 0 || valueLength > MaxValueBytes || data.Length - at < valueLength) throw Malformed(start);
            entries.Add(new Entry(key, type, data.Slice(at, valueLength).ToArray(), expires));
            at += valueLength;
        }
        return entries;
    }

    private static InvalidDataException Malformed(int offset) => new($"an entry record is malformed or truncated at byte {offset}");
}

/// <summary>
/// A digest of a set of entries that does not depend on shards or order: the wrapping sum of the entries' own hashes.
/// Equal digests mean equal keys, values, content types and expiries (versions are not part of it: a restore makes new ones).
/// </summary>
public static class ContentDigest
{
    public static ulong Of(IEnumerable<ulong> entryHashes)
    {
        ulong sum = 0;
        foreach (var hash in entryHashes) sum = unchecked(sum + hash);
        return sum;
    }

    public static string Format(ulong digest) => digest.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
