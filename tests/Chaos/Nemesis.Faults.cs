// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>The faults themselves: each injects, holds for a drawn time, and undoes.</summary>
public sealed partial class Nemesis
{
    private async Task KillOneAsync(bool leader)
    {
        var (node, shard) = leader ? await LeaderAsync() : (RandomNode(), 0);
        Faults++;
        Note(leader ? $"kill n{node} (leader of shard {shard})" : $"kill n{node} (random)");
        await cluster.KillAsync(node);
        await Hold(1, 4);
        await cluster.RestartAsync(node);
        Note($"start n{node}");
    }

    private async Task KillMajorityAsync()
    {
        var nodes = cluster.Nodes;
        var victims = nodes.OrderBy(_ => _random.Next()).Take((nodes.Count / 2) + 1).Order().ToArray();
        if (_random.Next(2) == 0)
        {
            // A snapshot (log compaction) just before the crash: recovery must start from it.
            var node = victims[0];
            Note($"snapshot on n{node}: {(await cluster.SnapshotAsync(node) ? "ok" : "refused")}");
        }

        Faults++;
        Note($"kill majority {string.Join(", ", victims.Select(v => $"n{v}"))}");
        foreach (var v in victims) await cluster.KillAsync(v);
        await Hold(2, 5);
        foreach (var v in victims) await cluster.RestartAsync(v);
        Note("start majority");
    }

    private async Task KillAllAsync()
    {
        var nodes = cluster.Nodes;
        Faults++;
        Note("kill all");
        foreach (var v in nodes) await cluster.KillAsync(v);
        await Hold(1, 3);
        foreach (var v in nodes) await cluster.RestartAsync(v);
        await cluster.WaitReadyAsync(TimeSpan.FromSeconds(60), except: Leaving);
        Note("all restarted and ready");
    }

    private async Task PauseLeaderAsync()
    {
        var (node, shard) = await LeaderAsync();
        Faults++;
        Note($"pause n{node} (leader of shard {shard})");
        if (await cluster.PauseAsync(node) is { } error)
        {
            // The fault could not be injected (the host's freezer gave up under load): no product behaviour to judge.
            Note($"pause n{node} failed, fault skipped: {error}");
            return;
        }

        await Hold(1, 3);
        if (_random.Next(2) == 0) await TransferAsync(avoid: node);
        await Hold(1, 3);
        await cluster.UnpauseAsync(node);
        Note($"unpause n{node}");
    }

    private async Task PartitionAsync()
    {
        var (leader, shard) = await LeaderAsync();
        var nodes = cluster.Nodes;
        var others = nodes.Where(n => n != leader).ToArray();
        Faults++;
        switch (_random.Next(3))
        {
            case 0:
                Note($"partition: isolate n{leader} (leader of shard {shard}) both ways");
                foreach (var o in others)
                {
                    await Partitions.DropAsync(ChaosCluster.Address(leader), ChaosCluster.Address(o));
                    await Partitions.DropAsync(ChaosCluster.Address(o), ChaosCluster.Address(leader));
                }

                break;
            case 1:
                var minority = nodes.OrderBy(_ => _random.Next()).Take((nodes.Count - 1) / 2).ToHashSet();
                Note($"partition: minority {string.Join(", ", minority.Select(m => $"n{m}"))} | majority {string.Join(", ", nodes.Where(n => !minority.Contains(n)).Select(n => $"n{n}"))}");
                foreach (var a in minority)
                {
                    foreach (var b in nodes.Where(n => !minority.Contains(n)))
                    {
                        await Partitions.DropAsync(ChaosCluster.Address(a), ChaosCluster.Address(b));
                        await Partitions.DropAsync(ChaosCluster.Address(b), ChaosCluster.Address(a));
                    }
                }

                break;
            default:
                Note($"partition: one-way, nothing from n{leader} (leader of shard {shard}) reaches the others");
                foreach (var o in others) await Partitions.DropAsync(ChaosCluster.Address(leader), ChaosCluster.Address(o));
                break;
        }

        await Hold(2, 4);
        if (_random.Next(2) == 0) await TransferAsync(avoid: leader);
        await Hold(2, 4);
        await Partitions.HealAsync();
        Note("partition healed");
    }

    private async Task SnapshotAsync()
    {
        var node = RandomNode();
        Faults++;
        Note($"snapshot on n{node}: {(cluster.IsDown(node) ? "down" : await cluster.SnapshotAsync(node) ? "ok" : "refused")}");
        await TransferAsync(avoid: 0);
    }

    /// <summary>
    /// Asks (through a reachable member) for a random shard's leadership to move to another of its replicas, not on
    /// <paramref name="avoid"/>. With more members than replicas the target is drawn from the holders the asked
    /// member sees (it may be stale: the answer, e.g. 409 not-a-replica, is logged).
    /// </summary>
    private async Task TransferAsync(int avoid)
    {
        var shard = RandomShard();
        var via = LiveMember(avoid);
        if (via == 0) return;
        var avoidId = cluster.IdOf(avoid);
        var holders = (await cluster.HoldersAsync(shard, via)).Where(h => h != avoidId).ToArray();
        if (holders.Length == 0) holders = [.. cluster.Members.Where(n => n != avoid).Select(cluster.IdOf)];
        var to = holders[_random.Next(holders.Length)];
        var answer = await cluster.TransferLeaderAsync(via, shard, to);
        Note($"transfer leadership of shard {shard} to member {to} (n{cluster.NodeOf(to)}) via n{via}: {(answer.Status == 200 ? "moved" : $"not moved ({answer})")}");
    }
}
