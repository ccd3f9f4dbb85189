// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaftCache.Node.Api;

public sealed record KeyListing(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("version")] ulong Version,
    [property: JsonPropertyName("expiration_date")] string? ExpirationDate,
    [property: JsonPropertyName("size")] int Size);

/// <summary>A page of keys; <c>shards_unavailable</c> lists shards no replica of which could be reached (skipped; ask again).</summary>
public sealed record KeysPage(
    [property: JsonPropertyName("keys")] IReadOnlyList<KeyListing> Keys,
    [property: JsonPropertyName("next_cursor")] string? NextCursor,
    [property: JsonPropertyName("shards_unavailable")] IReadOnlyList<int> ShardsUnavailable);

public sealed record FlushResponse(
    [property: JsonPropertyName("shards_flushed")] int ShardsFlushed,
    [property: JsonPropertyName("failed_shards")] IReadOnlyList<int> FailedShards);

public sealed record SnapshotResponse([property: JsonPropertyName("snapshots_started")] int SnapshotsStarted);

public sealed record TransferResponse(
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("leader")] ulong Leader);

/// <summary>The body of POST /admin/shards/{id}/transfer-leader: <c>{"to": "2"}</c> (a number is accepted too).</summary>
public sealed record TransferRequest([property: JsonPropertyName("to")] JsonElement To)
{
    public bool TryGetTarget(out ulong to)
    {
        to = 0;
        return To.ValueKind switch
        {
            JsonValueKind.Number => To.TryGetUInt64(out to) && to != 0,
            JsonValueKind.String => ulong.TryParse(To.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out to) && to != 0,
            _ => false,
        };
    }
}

/// <summary>Cursor of GET /admin/keys: "shard.base64url(key cursor)", opaque to clients.</summary>
public static class KeyCursor
{
    public static string Format(int shard, ReadOnlySpan<byte> keyCursor) =>
        shard.ToString(CultureInfo.InvariantCulture) + "." + Base64Url.EncodeToString(keyCursor);

    public static bool TryParse(string? text, int shardCount, out int shard, out byte[] keyCursor, out bool hasCursor)
    {
        shard = 1;
        keyCursor = [];
        hasCursor = false;
        if (string.IsNullOrEmpty(text)) return true;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !int.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out shard) || shard < 1 || shard > shardCount)
            return false;
        var encoded = text.AsSpan(dot + 1);
        if (encoded.Length == 0) return true;
        if (encoded.Length > 2048) return false;
        try
        {
            keyCursor = Base64Url.DecodeFromChars(encoded);
        }
        catch (FormatException)
        {
            return false;
        }
        hasCursor = true;
        return true;
    }
}
