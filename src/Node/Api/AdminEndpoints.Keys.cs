// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;

namespace RaftCache.Node.Api;

/// <summary>
/// GET /admin/keys across every shard: a shard this node holds a replica of is listed here, any other from a member
/// holding one (GET /admin/shards/{id}/keys on it, as the caller). Both read a replica as a <c>local</c> read does.
/// </summary>
public static partial class AdminEndpoints
{
    private static async Task<IResult> KeysAsync(CacheNode node, IOptions<NodeOptions> options, IHttpClientFactory clients, HttpContext http, string? cursor, int? limit)
    {
        // A larger limit is clamped, not refused: a client asking for "everything" gets the largest page and a cursor.
        var pageSize = Math.Min(limit ?? DefaultKeysPerPage, options.Value.MaxKeysPerPage);
        if (pageSize < 1) return Problems.BadRequest("limit must be at least 1.");
        if (!KeyCursor.TryParse(cursor, node.Shards.ShardCount, out var shard, out var keyCursor, out var hasCursor))
            return Problems.BadRequest("The cursor is not one this API returned.");
        var keys = new List<KeyListing>();
        var unavailable = new List<int>();
        string? next = null;
        for (; shard <= node.Shards.ShardCount && next is null; shard++, hasCursor = false)
        {
            var page = LocalPage(node, shard, keyCursor, hasCursor, pageSize - keys.Count)
                ?? await RemotePageAsync(node, clients, http, shard, hasCursor ? KeyCursor.Format(shard, keyCursor) : null, pageSize - keys.Count);
            if (page is null)
            {
                unavailable.Add(shard);
                continue;
            }
            keys.AddRange(page.Keys);
            next = page.NextCursor;
            if (next is null && keys.Count >= pageSize && shard < node.Shards.ShardCount) next = KeyCursor.Format(shard + 1, default);
        }
        return TypedResults.Ok(new KeysPage(keys, next, unavailable));
    }

    /// <summary>GET /admin/shards/{id}/keys: one shard, from this node's own replica only (404 when it holds none).</summary>
    private static IResult ShardKeys(int id, CacheNode node, IOptions<NodeOptions> options, string? cursor, int? limit)
    {
        if (id < 1 || id > node.Shards.ShardCount) return Problems.Problem(404, "No such shard", "no-such-shard", $"Shard ids are 1 to {node.Shards.ShardCount}.");
        var pageSize = Math.Min(limit ?? DefaultKeysPerPage, options.Value.MaxKeysPerPage);
        if (pageSize < 1) return Problems.BadRequest("limit must be at least 1.");
        if (!KeyCursor.TryParse(cursor, node.Shards.ShardCount, out var shard, out var keyCursor, out var hasCursor) || (cursor is not null && shard != id))
            return Problems.BadRequest("The cursor is not one this API returned for this shard.");
        return LocalPage(node, id, keyCursor, hasCursor, pageSize) is { } page
            ? TypedResults.Ok(page)
            : Problems.Problem(404, "No replica here", "no-replica-here", $"This node holds no replica of shard {id}; ask a member that does (GET /admin/cluster).");
    }

    private static KeysPage? LocalPage(CacheNode node, int shard, ReadOnlySpan<byte> cursor, bool hasCursor, int limit)
    {
        var page = node.ListKeys(shard, cursor, hasCursor, limit);
        if (page is null) return null;
        var keys = page.Entries.Select(e => new KeyListing(Encoding.UTF8.GetString(e.Key.Span), e.Version, ExpiryParser.Format(e.ExpiresAtMs), e.Value.Length)).ToArray();
        return new KeysPage(keys, page.NextCursor is { } more ? KeyCursor.Format(shard, more.Span) : null, []);
    }

    /// <summary>The page from the first member holding a replica of <paramref name="shard"/> that answers, or null.</summary>
    private static async Task<KeysPage?> RemotePageAsync(CacheNode node, IHttpClientFactory clients, HttpContext http, int shard, string? cursor, int limit)
    {
        var record = node.Cluster;
        if (!record.Placement.TryGetValue(shard, out var holders)) return null;
        var client = clients.CreateClient(NodeProgram.SelfClient);
        var query = $"/admin/shards/{shard.ToString(CultureInfo.InvariantCulture)}/keys?limit={limit.ToString(CultureInfo.InvariantCulture)}"
            + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
        foreach (var holder in holders.Where(h => h != node.NodeId))
        {
            if (!record.Members.TryGetValue(holder, out var member) || member.RestUrl is not { } url) continue;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
                timeout.CancelAfter(RemoteListTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(url), query));
                LeaderForwarder.CopyCredentials(http.Request, request);
                using var response = await client.SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<KeysPage>(timeout.Token) is { } page) return page;
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is OperationCanceledException && !http.RequestAborted.IsCancellationRequested))
            {
                // That replica's member is down or slow: try the next one.
            }
        }
        return null;
    }

    /// <summary>One member's answer for one shard's page; past it the next replica is asked.</summary>
    public static readonly TimeSpan RemoteListTimeout = TimeSpan.FromSeconds(2);
}
