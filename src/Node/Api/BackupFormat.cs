// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json.Serialization;

namespace RaftCache.Node.Api;

/// <summary>One entry as backup and restore carry it: key, content type, value and absolute expiry (Unix ms; none = -1).</summary>
public sealed record BackupEntry(byte[] Key, byte[] ContentType, byte[] Value, long ExpiresAtMs);

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

/// <summary>
/// The wire format of shard snapshots and restore batches (docs/api.md, "Backup and restore"): little-endian
/// records <c>u16 key length, key, u8 content-type length, content type, i64 expiry ms (-1 = none), i32 value length,
/// value</c>. A snapshot starts with <c>u32 header length</c> and the JSON <see cref="ShardSnapshotHeader"/>.
/// </summary>
public static class BackupFormat
{
    public const string MediaType = "application/vnd.raftcache.entries";
    public const long NoExpiry = -1;

    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> value, long? expiresAtMs)
    {
        var span = output.GetSpan(2 + key.Length + 1 + contentType.Length + 8 + 4 + value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)key.Length);
        key.CopyTo(span[2..]);
        var at = 2 + key.Length;
        span[at] = (byte)contentType.Length;
        contentType.CopyTo(span[(at + 1)..]);
        at += 1 + contentType.Length;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], expiresAtMs ?? NoExpiry);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 8)..], value.Length);
        value.CopyTo(span[(at + 12)..]);
        output.Advance(at + 12 + value.Length);
    }

    /// <summary>Reads records until the end of <paramref name="data"/>; false with a reason at the first malformed one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, int maxValueBytes, List<BackupEntry> entries, out string error)
    {
        error = "";
        var at = 0;
        while (at < data.Length)
        {
            if (data.Length - at < 2) return Fail(out error, at);
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);
            at += 2;
            if (keyLength is 0 or > KeyValidation.MaxKeyBytes || data.Length - at < keyLength + 1) return Fail(out error, at);
            var key = data.Slice(at, keyLength).ToArray();
            at += keyLength;
            var typeLength = data[at++];
            if (data.Length - at < typeLength + 12) return Fail(out error, at);
            var type = data.Slice(at, typeLength).ToArray();
            at += typeLength;
            var expires = BinaryPrimitives.ReadInt64LittleEndian(data[at..]);
            var valueLength = BinaryPrimitives.ReadInt32LittleEndian(data[(at + 8)..]);
            at += 12;
            if (valueLength > maxValueBytes)
            {
                error = $"The value of the entry at byte {at - 12 - typeLength - 1 - keyLength - 2} is {valueLength} bytes, more than this node's limit of {maxValueBytes}.";
                return false;
            }
            if (expires < NoExpiry || valueLength < 0 || data.Length - at < valueLength) return Fail(out error, at);
            entries.Add(new BackupEntry(key, type, data.Slice(at, valueLength).ToArray(), expires));
            at += valueLength;
        }
        return true;
    }

    private static bool Fail(out string error, int offset)
    {
        error = $"The entries are malformed or truncated at byte {offset}.";
        return false;
    }
}
