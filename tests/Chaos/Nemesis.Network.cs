// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Chaos;

/// <summary>
/// Packet loss between chosen nodes (iptables statistic match, Partitions.LoseAsync): unlike a partition, TCP still
/// gets through, late and in bursts, so heartbeats and appends are delayed rather than cut. What it checks is what
/// every run checks after healing: per-key linearizability, no lost acknowledged write, convergence.
/// </summary>
public sealed partial class Nemesis
{
    private async Task LoseAsync()
    {
        var (leader, shard) = await LeaderAsync();
        var others = cluster.Nodes.Where(n => n != leader).OrderBy(_ => _random.Next()).ToArray();
        var peers = others.Take(1 + _random.Next(others.Length)).ToArray();
        var probability = 0.2 + (_random.Next(6) * 0.1); // 20% to 70%
        var pct = (probability * 100).ToString("F0", CultureInfo.InvariantCulture);
        var names = string.Join(", ", peers.Select(p => $"n{p}"));
        Faults++;
        switch (_random.Next(3))
        {
            case 0:
                Note($"packet loss {pct}% both ways between n{leader} (leader of shard {shard}) and {names}");
                foreach (var p in peers)
                {
                    await Partitions.LoseAsync(ChaosCluster.Address(leader), ChaosCluster.Address(p), probability);
                    await Partitions.LoseAsync(ChaosCluster.Address(p), ChaosCluster.Address(leader), probability);
                }

                break;
            case 1:
                Note($"packet loss {pct}% one-way from n{leader} (leader of shard {shard}) to {names}");
                foreach (var p in peers) await Partitions.LoseAsync(ChaosCluster.Address(leader), ChaosCluster.Address(p), probability);
                break;
            default:
                Note($"packet loss {pct}% one-way from {names} to n{leader} (leader of shard {shard})");
                foreach (var p in peers) await Partitions.LoseAsync(ChaosCluster.Address(p), ChaosCluster.Address(leader), probability);
                break;
        }

        await Hold(4, 8);
        await Partitions.HealAsync();
        Note("packet loss healed");
    }
}
