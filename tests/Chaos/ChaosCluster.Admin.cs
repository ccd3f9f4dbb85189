// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace RaftCache.Chaos;

/// <summary>Admin calls: readiness, who leads each shard, forced snapshots, leader transfers, replica convergence.</summary>
public sealed partial class ChaosCluster
{
    private static readonly HttpClient Admin = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) })
    {
        Timeout = TimeSpan.FromSeconds(3),
        DefaultRequestHeaders = { { "X-Api-Key", AdminKey } },
    };

    /// <summary>One replica's own view of one shard, as GET /admin/cluster on its node reports it (Node: slot; Leader: member id).</summary>
    public sealed record ReplicaState(int Node, int Shard, ulong Leader, ulong Applied, string? Hash);

    /// <summary>
    /// Polls /health/ready on every running member but <paramref name="except"/> until all answer 200 (bounded); a
    /// joiner not admitted yet is never ready, nor is a member being removed (it may learn so and stop).
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan within, int except = 0)
    {
        var clock = Stopwatch.StartNew();
        var pending = new HashSet<int>(Members.Where(n => n != except && !IsDown(n) && !IsPaused(n)));
        while (pending.Count > 0)
        {
            foreach (var node in pending.ToArray())
            {
                if (await TryGetAsync(node, "/health/ready") is not null) pending.Remove(node);
            }

            if (pending.Count == 0) return;
            if (clock.Elapsed > within)
                throw new TimeoutException($"nodes {string.Join(", ", pending)} not ready after {within.TotalSeconds:F0} s");
            await Task.Delay(200); // polling interval of a bounded readiness wait, not a synchronisation
        }
    }

    /// <summary>Whether <paramref name="node"/> answers /health/ready with 200.</summary>
    public async Task<bool> IsReadyAsync(int node) => await TryGetAsync(node, "/health/ready") is not null;

    /// <summary>Every shard replica that <paramref name="node"/> holds, with its applied index and state hash; null if the node does not answer.</summary>
    public async Task<IReadOnlyList<ReplicaState>?> ReplicasAsync(int node)
    {
        if (await TryGetAsync(node, "/admin/cluster") is not { } view) return null;
        var id = IdOf(node);
        var result = new List<ReplicaState>();
        foreach (var shard in view.GetProperty("shards").EnumerateArray())
        {
            var own = shard.GetProperty("replicas").EnumerateArray()
                .FirstOrDefault(r => r.GetProperty("id").GetUInt64() == id);
            if (own.ValueKind != JsonValueKind.Object || shard.GetProperty("state_hash").ValueKind != JsonValueKind.String) continue;
            result.Add(new ReplicaState(node, shard.GetProperty("id").GetInt32(), shard.GetProperty("leader").GetUInt64(),
                own.GetProperty("applied_index").GetUInt64(), shard.GetProperty("state_hash").GetString()));
        }

        return result;
    }

    /// <summary>The node (slot) that <paramref name="asking"/> believes leads <paramref name="shard"/> (0 when unknown).</summary>
    public async Task<int> LeaderOfAsync(int shard, int asking)
    {
        var replicas = await ReplicasAsync(asking);
        return NodeOf(replicas?.FirstOrDefault(r => r.Shard == shard)?.Leader ?? 0);
    }

    /// <summary>The node (slot) that <paramref name="asking"/> believes leads the metadata group (0 when unknown).</summary>
    public async Task<int> MetadataLeaderAsync(int asking) =>
        await ViewAsync(asking) is { } view && view.TryGetProperty("metadata_leader", out var leader) ? NodeOf(leader.GetUInt64()) : 0;

    /// <summary>GET /admin/cluster on <paramref name="node"/>; null when it does not answer.</summary>
    public Task<JsonElement?> ViewAsync(int node) => TryGetAsync(node, "/admin/cluster");

    /// <summary>The member ids holding <paramref name="shard"/> as <paramref name="asking"/> sees it (its configuration, or the placement when it holds none).</summary>
    public async Task<IReadOnlyList<ulong>> HoldersAsync(int shard, int asking) =>
        await ViewAsync(asking) is { } view
            ? [.. view.GetProperty("shards").EnumerateArray().First(s => s.GetProperty("id").GetInt32() == shard)
                .GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("id").GetUInt64())]
            : [];

    public async Task<bool> SnapshotAsync(int node) => await PostAsync(node, "/admin/snapshot", new { });

    /// <summary>POST /admin/shards/{shard}/transfer-leader to member <paramref name="to"/>, sent to <paramref name="via"/>.</summary>
    public async Task<AdminAnswer> TransferLeaderAsync(int via, int shard, ulong to)
    {
        try
        {
            using var response = await Admin.PostAsJsonAsync(new Uri(RestUrl(via), $"/admin/shards/{shard}/transfer-leader"),
                new { to = to.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            return new AdminAnswer((int)response.StatusCode, response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new AdminAnswer(0, e.GetType().Name);
        }
    }

    private static async Task<JsonElement?> TryGetAsync(int node, string path)
    {
        try
        {
            using var response = await Admin.GetAsync(new Uri(RestUrl(node), path));
            if (!response.IsSuccessStatusCode) return null;
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    private static async Task<bool> PostAsync(int node, string path, object body)
    {
        try
        {
            using var response = await Admin.PostAsJsonAsync(new Uri(RestUrl(node), path), body);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
