// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;

namespace RaftCache.Cli.Commands;

/// <summary>GET /admin/cluster from every member: each node reports the applied index and state hash of its own replicas.</summary>
public static class ClusterViews
{
    /// <summary>The view of the endpoint that answers, then each member's own view (null for a member that did not answer).</summary>
    public static async Task<(JsonElement View, IReadOnlyDictionary<ulong, JsonElement?> ByMember)> FetchAllAsync(CliContext context, CancellationToken cancellationToken)
    {
        var view = await context.Client.GetJsonAsync("/admin/cluster", cancellationToken);
        var members = view.GetProperty("members").EnumerateArray()
            .Select(m => (Id: m.GetProperty("id").GetUInt64(), Address: m.GetProperty("address").GetString()))
            .ToArray();
        var fetches = members.Select(async m =>
        {
            if (m.Address is null || !Uri.TryCreate(m.Address, UriKind.Absolute, out var url)) return (m.Id, (JsonElement?)null);
            using var response = await context.Client.TrySendToAsync(url, new HttpRequestMessage(HttpMethod.Get, "/admin/cluster"), cancellationToken);
            if (response is not { IsSuccessStatusCode: true }) return (m.Id, null);
            return (m.Id, await response.Content.ReadJsonElementAsync(cancellationToken));
        });
        var results = await Task.WhenAll(fetches);
        return (view, results.ToDictionary(r => r.Id, r => r.Item2));
    }

    /// <summary>A node's own replica of a shard in its own view: (applied index, state hash), or null when it holds none.</summary>
    public static (ulong Applied, string Hash, ulong Commit)? OwnReplica(JsonElement memberView, int shard)
    {
        var node = memberView.GetProperty("node_id").GetUInt64();
        var view = memberView.GetProperty("shards").EnumerateArray().FirstOrDefault(s => s.GetProperty("id").GetInt32() == shard);
        if (view.ValueKind != JsonValueKind.Object || view.GetProperty("state_hash").ValueKind != JsonValueKind.String) return null;
        foreach (var replica in view.GetProperty("replicas").EnumerateArray())
        {
            if (replica.GetProperty("id").GetUInt64() == node)
                return (replica.GetProperty("applied_index").GetUInt64(), view.GetProperty("state_hash").GetString()!, replica.GetProperty("commit_index").GetUInt64());
        }
        return null;
    }
}

internal static class HttpContentJson
{
    public static async Task<JsonElement> ReadJsonElementAsync(this HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }
}
