// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Membership;

/// <summary>Membership operations and placement views on a <see cref="TestCluster"/>: add, drain, and wait for balance.</summary>
public static class MembershipCluster
{
    /// <summary>Starts an empty joiner and adds it through <paramref name="via"/>; returns it with the id the cluster gave it.</summary>
    public static async Task<(NodeProcess Node, ulong Id)> AddNodeAsync(this TestCluster cluster, NodeProcess via)
    {
        var joiner = cluster.StartJoiner();
        await cluster.WaitAsync(async () => await TryGetAsync(cluster, new Uri(joiner.Url, "/admin/join")) is not null, TimeSpan.FromSeconds(30));
        using var response = await cluster.Http.PostAsJsonAsync(new Uri(via.Url, "/admin/members"), new { address = joiner.Url.ToString().TrimEnd('/') });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /admin/members: {(int)response.StatusCode} {body}");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetUInt64();
        await cluster.WaitReadyAsync([joiner]);
        return (joiner, id);
    }

    /// <summary>Drains and removes member <paramref name="id"/> through <paramref name="via"/> (which may be the member itself) and waits until it is gone from the record.</summary>
    public static async Task RemoveNodeAsync(this TestCluster cluster, NodeProcess via, ulong id, TimeSpan timeout)
    {
        using var response = await cluster.Http.DeleteAsync(new Uri(via.Url, $"/admin/members/{id}"));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"DELETE /admin/members/{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        // A removed member stops hearing from the metadata group: watch from one that stays.
        var watcher = cluster.Nodes.First(n => (ulong)n.Id != id && n.IsRunning);
        var last = "";
        try
        {
            await cluster.WaitAsync(async () =>
            {
                var view = await cluster.ClusterViewAsync(watcher);
                last = view.ToString();
                return view.GetProperty("removed_members").EnumerateArray().Any(r => r.GetUInt64() == id);
            }, timeout);
        }
        catch (TimeoutException)
        {
            var leader = cluster.Nodes.FirstOrDefault(n => last.Contains($"\"metadata_leader\":{n.Id},", StringComparison.Ordinal));
            throw new TimeoutException($"member {id} was not removed; view of node {watcher.Id}: {last}\nmetadata leader's log tail:\n{string.Join('\n', (leader?.Log ?? "").Split('\n').TakeLast(60))}");
        }
    }

    /// <summary>
    /// Waits until the cluster is settled as the given members see it: no moves, every shard with
    /// <paramref name="replicationFactor"/> replicas on the given members only, replica counts within one of each
    /// other, and every member's own view agreeing on each shard's leader, with leader counts within one.
    /// </summary>
    public static async Task WaitBalancedAsync(this TestCluster cluster, IReadOnlyList<NodeProcess> members, int replicationFactor, TimeSpan timeout)
    {
        var last = "";
        try
        {
            await cluster.WaitAsync(async () =>
            {
                var (settled, detail) = await BalanceAsync(cluster, members, replicationFactor);
                last = detail;
                return settled;
            }, timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"cluster did not settle balanced: {last}");
        }
    }

    private static async Task<(bool Settled, string Detail)> BalanceAsync(TestCluster cluster, IReadOnlyList<NodeProcess> members, int replicationFactor)
    {
        var ids = members.Select(m => (ulong)m.Id).ToHashSet();
        var views = new Dictionary<ulong, JsonElement>();
        foreach (var member in members) views[(ulong)member.Id] = await cluster.ClusterViewAsync(member);
        var first = views.Values.First();
        if (first.GetProperty("moves").GetArrayLength() > 0) return (false, $"moves in progress: {first.GetProperty("moves")}");
        var replicas = ids.ToDictionary(i => i, _ => 0);
        var leaders = ids.ToDictionary(i => i, _ => 0);
        foreach (var shard in first.GetProperty("shards").EnumerateArray())
        {
            var id = shard.GetProperty("id").GetInt32();
            var holders = shard.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("id").GetUInt64()).ToArray();
            // The view of a member holding the shard has its configuration; it must be exactly the placement.
            var holderView = views.Where(v => holders.Contains(v.Key)).Select(v => v.Value).FirstOrDefault();
            if (holderView.ValueKind == JsonValueKind.Undefined) return (false, $"shard {id}: no member holds it ({string.Join(',', holders)})");
            var detail = holderView.GetProperty("shards").EnumerateArray().First(s => s.GetProperty("id").GetInt32() == id);
            // Placed there, but the replica is not created yet (its leader has not reached the member).
            if (detail.GetProperty("configuration").ValueKind != JsonValueKind.Object)
                return (false, $"shard {id}: placed on [{string.Join(',', holders)}], but member {views.First(v => holders.Contains(v.Key)).Key} has no replica yet");
            var voters = detail.GetProperty("configuration").GetProperty("voters").EnumerateArray().Select(v => v.GetUInt64()).Order().ToArray();
            var learners = detail.GetProperty("configuration").GetProperty("learners").GetArrayLength();
            if (voters.Length != replicationFactor || learners > 0 || !voters.All(ids.Contains))
                return (false, $"shard {id}: voters [{string.Join(',', voters)}], {learners} learner(s)");
            foreach (var v in voters) replicas[v]++;
            var leader = detail.GetProperty("leader").GetUInt64();
            if (!ids.Contains(leader)) return (false, $"shard {id}: leader {leader}");
            leaders[leader]++;
        }
        var summary = $"replicas {string.Join(' ', replicas.Select(r => $"{r.Key}:{r.Value}"))}, leaders {string.Join(' ', leaders.Select(l => $"{l.Key}:{l.Value}"))}";
        if (replicas.Values.Max() - replicas.Values.Min() > 1) return (false, "replicas unbalanced: " + summary);
        if (leaders.Values.Max() - leaders.Values.Min() > 1) return (false, "leaders unbalanced: " + summary);
        // Every member deleted the replicas it no longer holds.
        foreach (var (id, view) in views)
        {
            var own = view.GetProperty("shards").EnumerateArray().Count(s => s.GetProperty("configuration").ValueKind == JsonValueKind.Object);
            if (own != replicas[id]) return (false, $"member {id} still holds {own} replica(s), placement says {replicas[id]}");
        }
        return (true, summary);
    }

    private static async Task<JsonElement?> TryGetAsync(TestCluster cluster, Uri uri)
    {
        try
        {
            using var response = await cluster.Http.GetAsync(uri);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
