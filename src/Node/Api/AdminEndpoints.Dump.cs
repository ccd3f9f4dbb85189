// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;

namespace RaftCache.Node.Api;

/// <summary>
/// GET /admin/dump: for debugging, every replica this node holds as it is here (role, indexes, keys, state hash) and
/// its first entries with their values, so two nodes' replicas of a shard can be compared side by side.
/// </summary>
public static partial class AdminEndpoints
{
    private static async Task<IResult> DumpAsync(CacheNode node, IOptions<NodeOptions> options, int? limit)
    {
        var perShard = Math.Min(limit ?? DefaultKeysPerPage, options.Value.MaxKeysPerPage);
        if (perShard < 0) return Problems.BadRequest("limit must be 0 or more.");
        var view = ClusterView.Of(node, await node.ReplicaStatusAsync());
        var replicas = new List<DumpReplica>();
        foreach (var shard in view.Shards)
        {
            var page = perShard == 0 ? null : node.ListKeys(shard.Id, default, false, perShard);
            if (page is null && node.ListKeys(shard.Id, default, false, 1) is null) continue; // no replica here
            var entries = page?.Entries.Select(DumpEntry.Of).ToArray() ?? [];
            replicas.Add(new DumpReplica(shard, entries, page?.NextCursor is { } more ? KeyCursor.Format(shard.Id, more.Span) : null));
        }
        return TypedResults.Ok(new NodeDump(node.NodeId, replicas));
    }
}

public sealed record NodeDump(
    [property: JsonPropertyName("node_id")] ulong NodeId,
    [property: JsonPropertyName("replicas")] IReadOnlyList<DumpReplica> Replicas);

/// <summary>A replica as GET /admin/cluster shows it, with its first entries; <c>next_cursor</c> continues with GET /admin/shards/{id}/keys.</summary>
public sealed record DumpReplica(
    [property: JsonPropertyName("shard")] ShardView Shard,
    [property: JsonPropertyName("entries")] IReadOnlyList<DumpEntry> Entries,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>One entry: a JSON value as it is, any other value base64-encoded beside its content type.</summary>
public sealed record DumpEntry(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("version")] ulong Version,
    [property: JsonPropertyName("expiration_date")] string? ExpirationDate,
    [property: JsonPropertyName("content_type")] string ContentType,
    [property: JsonPropertyName("value")] JsonElement Value)
{
    public static DumpEntry Of(StateMachine.CacheEntry entry)
    {
        var contentType = Encoding.UTF8.GetString(entry.ContentType.Span);
        var value = PutRequestReader.IsJson(contentType.Split(';')[0].Trim())
            ? JsonDocument.Parse(entry.Value).RootElement.Clone()
            : JsonSerializer.SerializeToElement(Convert.ToBase64String(entry.Value.Span));
        return new DumpEntry(Encoding.UTF8.GetString(entry.Key.Span), entry.Version, ExpiryParser.Format(entry.ExpiresAtMs), contentType, value);
    }
}
