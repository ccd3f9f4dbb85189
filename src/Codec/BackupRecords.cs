// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaftCache.Codec;

/// <summary>One cache entry as backup and restore carry it: key, content type, value and absolute expiry (Unix ms; none = -1).</summary>
public sealed record BackupEntry(byte[] Key, byte[] ContentType, byte[] Value, long ExpiresAtMs)
{
    public bool LiveAt(long nowMs) => ExpiresAtMs == BackupRecords.NoExpiry || ExpiresAtMs > nowMs;
}

/// <summary>
/// The entry records of shard snapshots and restore batches (docs/api.md, "Backup and restore"), little-endian:
/// <c>u16 key length (1–1,024), key, u8 content-type length, content type, i64 expiry ms (-1 = none), i32 value
/// length, value</c>. The node writes them and reads restore batches; the CLI reads snapshots and writes batches.
/// </summary>
public static class BackupRecords
{
    public const string MediaType = "application/vnd.raftcache.entries";
    public const long NoExpiry = -1;
    public const int MaxKeyBytes = 1024;

    /// <summary>Largest JSON header a shard snapshot may carry.</summary>
    public const int MaxHeaderBytes = 64 << 10;

    /// <summary>Fixed bytes of a record beside its key, content type and value.</summary>
    private const int FixedBytes = 2 + 1 + 8 + 4;

    public static int SizeOf(BackupEntry entry) => FixedBytes + entry.Key.Length + entry.ContentType.Length + entry.Value.Length;

    public static void Write(IBufferWriter<byte> output, BackupEntry entry) =>
        Write(output, entry.Key, entry.ContentType, entry.Value, entry.ExpiresAtMs);

    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> value, long expiresAtMs)
    {
        var w = new ByteWriter(output);
        w.UInt16((ushort)key.Length);
        w.Raw(key);
        w.Byte((byte)contentType.Length);
        w.Raw(contentType);
        w.Int64(expiresAtMs);
        w.Int32(value.Length);
        w.Raw(value);
    }

    /// <summary>A shard snapshot starts with <c>u32 header length</c> and the JSON <see cref="ShardSnapshotHeader"/>; records follow.</summary>
    public static void WriteSnapshotHeader(IBufferWriter<byte> output, ShardSnapshotHeader header)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(header, BackupJson.Default.ShardSnapshotHeader);
        var w = new ByteWriter(output);
        w.UInt32((uint)json.Length);
        w.Raw(json);
    }

    /// <summary>Splits a shard snapshot body into its header and entries; anything malformed throws <typeparamref name="TErrors"/>'s exception.</summary>
    public static (ShardSnapshotHeader Header, List<BackupEntry> Entries) ReadSnapshot<TErrors>(ReadOnlySpan<byte> body, int maxValueBytes)
        where TErrors : IFormatErrors
    {
        var r = new ByteReader<TErrors>(body);
        var headerLength = r.UInt32("the shard snapshot's header length");
        if (headerLength > MaxHeaderBytes) ByteReader<TErrors>.Fail($"the shard snapshot's header of {headerLength} bytes exceeds {MaxHeaderBytes}");
        var json = r.Take((int)headerLength, "the shard snapshot's header");
        ShardSnapshotHeader? header = null;
        try
        {
            header = JsonSerializer.Deserialize(json, BackupJson.Default.ShardSnapshotHeader);
        }
        catch (JsonException e)
        {
            ByteReader<TErrors>.Fail("the shard snapshot's header is not valid JSON: " + e.Message);
        }

        if (header is null) ByteReader<TErrors>.Fail("the shard snapshot's header is empty");
        var entries = Read<TErrors>(r.Rest(), maxValueBytes);
        if (entries.Count != header.Keys) ByteReader<TErrors>.Fail($"shard {header.Shard}: the header announces {header.Keys} entries, {entries.Count} follow");
        return (header, entries);
    }

    /// <summary>
    /// Reads records to the end of <paramref name="data"/>. A malformed or truncated record, or a value above
    /// <paramref name="maxValueBytes"/>, throws <typeparamref name="TErrors"/>'s exception naming the record's offset.
    /// </summary>
    public static List<BackupEntry> Read<TErrors>(ReadOnlySpan<byte> data, int maxValueBytes)
        where TErrors : IFormatErrors
    {
        var entries = new List<BackupEntry>();
        var r = new ByteReader<TErrors>(data);
        while (r.Remaining > 0) entries.Add(ReadOne(ref r, maxValueBytes));
        return entries;
    }

    private static BackupEntry ReadOne<TErrors>(ref ByteReader<TErrors> r, int maxValueBytes)
        where TErrors : IFormatErrors
    {
        var start = r.Position;
        var keyLength = r.UInt16("a record's key length");
        if (keyLength is 0 or > MaxKeyBytes) ByteReader<TErrors>.Fail($"The entry record at byte {start}: key length {keyLength} is outside 1..{MaxKeyBytes}.");
        var key = r.Take(keyLength, "a record's key").ToArray();
        var contentType = r.Take(r.Byte("a record's content type length"), "a record's content type").ToArray();
        var expires = r.Int64("a record's expiry");
        if (expires < NoExpiry) ByteReader<TErrors>.Fail($"The entry record at byte {start}: expiry {expires} is negative and not {NoExpiry} (none).");
        var valueLength = r.Int32("a record's value length");
        if (valueLength < 0) ByteReader<TErrors>.Fail($"The entry record at byte {start}: value length {valueLength} is negative.");
        if (valueLength > maxValueBytes)
        {
            ByteReader<TErrors>.Fail($"The value of the entry at byte {start} is {valueLength} bytes, more than the limit of {maxValueBytes}.");
        }

        return new BackupEntry(key, contentType, r.Take(valueLength, "a record's value").ToArray(), expires);
    }
}

/// <summary>The JSON header of a shard snapshot (GET /admin/shards/{id}/snapshot), before its entries.</summary>
public sealed record ShardSnapshotHeader(
    [property: JsonPropertyName("cluster_id")] string ClusterId,
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("slots")] int[] Slots,
    [property: JsonPropertyName("index")] ulong Index,
    [property: JsonPropertyName("term")] ulong Term,
    [property: JsonPropertyName("keys")] int Keys,
    [property: JsonPropertyName("state_hash")] string StateHash,
    [property: JsonPropertyName("taken_at_ms")] long TakenAtMs);

[JsonSerializable(typeof(ShardSnapshotHeader))]
internal sealed partial class BackupJson : JsonSerializerContext;
