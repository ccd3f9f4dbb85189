// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Chaos;

/// <summary>
/// After healing: every replica of every shard must report the same applied index and state hash (polled on
/// every node until equal, bounded), and every shard must have all its replicas answering.
/// </summary>
public static class Convergence
{
    public static async Task<IReadOnlyList<string>> CheckAsync(ChaosCluster cluster, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var expectedReplicas = Math.Min(3, cluster.NodeCount);
        var problems = new List<string>();
        while (true)
        {
            problems.Clear();
            var replicas = new List<ChaosCluster.ReplicaState>();
            foreach (var node in cluster.Nodes)
            {
                var own = await cluster.ReplicasAsync(node);
                if (own is null) problems.Add($"n{node} does not answer /admin/cluster");
                else replicas.AddRange(own);
            }

            for (var shard = 1; shard <= ChaosCluster.Shards; shard++)
            {
                var states = replicas.Where(r => r.Shard == shard).ToArray();
                var distinct = states.Select(r => (r.Applied, r.Hash)).Distinct().Count();
                if (states.Length != expectedReplicas || distinct != 1)
                {
                    problems.Add($"shard {shard} replicas disagree: " +
                        string.Join("; ", states.Select(r => $"n{r.Node} applied {r.Applied} hash {r.Hash}")));
                }
            }

            if (problems.Count == 0 || clock.Elapsed > within) return problems;
            await Task.Delay(250); // polling interval of a bounded wait
        }
    }

    /// <summary>
    /// Once converged, a stale-mode read (consistency=local) of every key on every node must return exactly what
    /// the final linearizable read returned: same presence, value and version.
    /// </summary>
    public static async Task<IReadOnlyList<string>> LocalReadsAsync(ChaosCluster cluster, IReadOnlyList<ChaosOp> finalReads)
    {
        var problems = new List<string>();
        foreach (var final in finalReads)
        {
            foreach (var node in cluster.Nodes)
            {
                var local = await ChaosClient.RunAsync(final with { Node = node, Client = -2, Found = false, ReadValue = null, Version = 0 }, "?consistency=local");
                if (local.Outcome != OpOutcome.Ok || local.Found != final.Found || local.ReadValue != final.ReadValue || local.Version != final.Version)
                    problems.Add($"replicas diverge: local read on n{node} {local} but the linearizable read gave {final}");
            }
        }

        return problems;
    }
}
