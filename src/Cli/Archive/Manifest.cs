// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace RaftCache.Cli.Archive;

/// <summary>What a backup archive holds (docs/operations.md, "The archive format").</summary>
public sealed record Manifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("cluster_id")] string ClusterId,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("completed_at")] DateTimeOffset CompletedAt,
    [property: JsonPropertyName("slot_count")] int SlotCount,
    [property: JsonPropertyName("parts")] IReadOnlyList<ManifestPart> Parts)
{
    public const string FormatName = "raftcache-backup";
    public const int CurrentVersion = 1;

    [JsonIgnore]
    public long Keys => Parts.Sum(p => (long)p.Keys);
}

/// <summary>One shard's snapshot in the archive: where it is, what it covers, and how to check it.</summary>
public sealed record ManifestPart(
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("slots")] int[] Slots,
    [property: JsonPropertyName("index")] ulong Index,
    [property: JsonPropertyName("term")] ulong Term,
    [property: JsonPropertyName("keys")] int Keys,
    [property: JsonPropertyName("state_hash")] string StateHash,
    [property: JsonPropertyName("content_digest")] string ContentDigest,
    [property: JsonPropertyName("taken_at")] DateTimeOffset TakenAt,
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("length")] long Length,
    [property: JsonPropertyName("sha256")] string Sha256);
