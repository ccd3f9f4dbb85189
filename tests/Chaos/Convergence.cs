// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json;

namespace RaftCache.Chaos;

/// <summary>
/// After healing, polled on every member until all hold (bounded settle time): no shard move in progress; the
/// member list is exactly the members in service, all active as the metadata leader sees them; every shard has a leader whose configuration has
/// exactly the replication factor of voters, all live members, no learner, not joint; every voter reports the same
/// applied index and state hash as the others; and no member outside the configuration still holds a replica.
/// With more members than the replication factor a node holds only some shards, so only the voters are compared.
/// </summary>
public static class Convergence
{
    public const int ReplicationFactor = 3;

    public static async Task<IReadOnlyList<string>> CheckAsync(ChaosCluster cluster, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var problems = await ProblemsAsync(cluster);
            if (problems.Count == 0 || clock.Elapsed > within) return problems;
            await Task.Delay(250); // polling interval of a bounded wait
        }
    }

    private static async Task<List<string>> ProblemsAsync(ChaosCluster cluster)
    {
        var problems = new List<string>();
        var members = cluster.Members;
        var live = members.Select(cluster.IdOf).ToHashSet();
        var views = new Dictionary<ulong, JsonElement>();
        foreach (var node in members)
        {
            if (await cluster.ViewAsync(node) is { } view) views[cluster.IdOf(node)] = view;
            else problems.Add($"n{node} does not answer /admin/cluster");
        }

        foreach (var (id, view) in views)
        {
            if (view.GetProperty("moves").GetArrayLength() > 0) problems.Add($"member {id} sees moves in progress: {view.GetProperty("moves")}");

            // States are judged in the metadata leader's view only: its controller acts on them, while another member
            // calls "down" any member it has not heard from lately, and a follower hears only from leaders.
            var leads = view.GetProperty("metadata_leader").GetUInt64() == id;
            var listed = view.GetProperty("members").EnumerateArray().Select(m => (Id: m.GetProperty("id").GetUInt64(), State: m.GetProperty("state").GetString())).ToArray();
            if (!listed.Select(m => m.Id).ToHashSet().SetEquals(live) || (leads && listed.Any(m => m.State != "active")))
                problems.Add($"member {id}{(leads ? " (metadata leader)" : "")} lists members {string.Join(", ", listed.Select(m => $"{m.Id}:{m.State}"))}, in service: {string.Join(", ", live.Order())}");
        }

        if (!views.Any(v => v.Value.GetProperty("metadata_leader").GetUInt64() == v.Key)) problems.Add("no member leads the metadata group");

        for (var shard = 1; shard <= ChaosCluster.Shards; shard++)
        {
            // Each member's own replica of the shard, if it holds one (a configuration is shown only for held replicas).
            var held = views.Select(v => (Id: v.Key, Shard: v.Value.GetProperty("shards").EnumerateArray().First(s => s.GetProperty("id").GetInt32() == shard)))
                .Where(v => v.Shard.GetProperty("configuration").ValueKind == JsonValueKind.Object).ToArray();
            var leader = held.FirstOrDefault(h => h.Shard.GetProperty("leader").GetUInt64() == h.Id);
            if (leader.Id == 0)
            {
                problems.Add($"shard {shard} has no leader among its replicas on {string.Join(", ", held.Select(h => h.Id))}");
                continue;
            }

            var configuration = leader.Shard.GetProperty("configuration");
            var voters = configuration.GetProperty("voters").EnumerateArray().Select(v => v.GetUInt64()).Order().ToArray();
            if (voters.Length != ReplicationFactor || !voters.All(live.Contains) || configuration.GetProperty("learners").GetArrayLength() > 0
                || configuration.GetProperty("joint").GetBoolean())
                problems.Add($"shard {shard}: leader {leader.Id} has configuration {configuration}, want {ReplicationFactor} voters among live members {string.Join(", ", live.Order())}");

            var states = held.Where(h => voters.Contains(h.Id)).Select(h => (h.Id, Applied: Own(h.Shard, h.Id), Hash: h.Shard.GetProperty("state_hash").GetString())).ToArray();
            if (states.Length != voters.Length || states.Select(s => (s.Applied, s.Hash)).Distinct().Count() != 1)
            {
                problems.Add($"shard {shard} replicas disagree (voters {string.Join(", ", voters)}): " +
                    string.Join("; ", states.Select(s => $"member {s.Id} applied {s.Applied} hash {s.Hash}")));
            }

            foreach (var stale in held.Where(h => !voters.Contains(h.Id)))
                problems.Add($"shard {shard}: member {stale.Id} still holds a replica outside the configuration [{string.Join(", ", voters)}]");
        }

        return problems;
    }

    /// <summary>The applied index a member reports for its own replica.</summary>
    private static ulong Own(JsonElement shard, ulong id) =>
        shard.GetProperty("replicas").EnumerateArray().First(r => r.GetProperty("id").GetUInt64() == id).GetProperty("applied_index").GetUInt64();

    /// <summary>
    /// Once converged, a stale-mode read (consistency=local) of every key on every member must return exactly what
    /// the final linearizable read returned: same presence, value and version (a member without the key's shard
    /// forwards the read to one that holds it).
    /// </summary>
    public static async Task<IReadOnlyList<string>> LocalReadsAsync(ChaosCluster cluster, IReadOnlyList<ChaosOp> finalReads)
    {
        var problems = new List<string>();
        foreach (var final in finalReads)
        {
            foreach (var node in cluster.Members)
            {
                var local = await ChaosClient.RunAsync(final with { Node = node, Client = -2, Found = false, ReadValue = null, Version = 0 }, "?consistency=local");
                if (local.Outcome != OpOutcome.Ok || local.Found != final.Found || local.ReadValue != final.ReadValue || local.Version != final.Version)
                    problems.Add($"replicas diverge: local read on n{node} {local} but the linearizable read gave {final}");
            }
        }

        return problems;
    }
}
