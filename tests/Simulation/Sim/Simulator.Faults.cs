// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Simulation.Sim;

public sealed partial class Simulator
{
    private long _healAt;
    private int _crashes;
    private int _partitions;
    private int _pauses;
    private int _confChanges;
    private int _transfers;
    private int _snapshots;

    /// <summary>The fault schedule of the main phase: each kind fires with its seed-drawn per-tick probability.</summary>
    private void InjectFaults()
    {
        if (_healAt > 0 && Now >= _healAt)
        {
            Network.HealAll();
            _healAt = 0;
            Trace.Note(Now, "partition healed");
        }

        if (_healAt == 0 && Chance(Options.PartitionRate)) Partition();
        CrashScheduled();
        if (Chance(Options.CrashRate)) CrashOne();
        if (Chance(Options.PauseRate)) PauseOne();
        if (Chance(Options.MembershipRate)) ChangeMembership();
        if (Chance(Options.JoinRate)) Join();
        if (Chance(Options.DrainRate)) Drain();
        if (Chance(Options.TransferRate)) TransferLeader();
        if (Chance(Options.SnapshotRate)) ForceSnapshot();
        if (Chance(Options.LyingDiskRate))
        {
            var liar = RandomNode();
            Nodes[(int)liar - 1].Wal.StartLying();
            Trace.Note(Now, $"n{liar} DISK LIES about fsync until its next crash");
        }
    }

    /// <summary>
    /// Nodes to crash at a tick, right after a forced snapshot (<see cref="SimOptions.CrashAfterSnapshot"/>) or a
    /// replica's deletion (<see cref="SimOptions.CrashAfterDrop"/>).
    /// </summary>
    private readonly Dictionary<SimNode, long> _scheduledCrashes = [];

    /// <summary>A node deleted a replica: with <see cref="SimOptions.CrashAfterDrop"/> it crashes shortly after.</summary>
    public void OnReplicaDropped(SimNode node, ulong group)
    {
        if (Options.CrashAfterDrop && _scheduledCrashes.TryAdd(node, Now + 2)) Trace.Note(Now, $"n{node.Id} dropped g{group}, crash at t={Now + 2}");
    }

    private void CrashScheduled()
    {
        foreach (var (node, at) in _scheduledCrashes.Where(p => p.Value <= Now).ToList())
        {
            _scheduledCrashes.Remove(node);
            if (!node.Up) continue;
            _crashes++;
            node.Crash(Now + 1 + Random.Next(Options.DownMaxTicks));
        }
    }

    private bool Chance(double p) => p > 0 && Random.NextDouble() < p;

    private ulong RandomNode() => (ulong)Random.Next(Nodes.Count) + 1;

    private ulong RandomGroup() => (ulong)Random.Next(Options.Groups) + 1;

    private void Partition()
    {
        var n = Nodes.Count;
        var shape = Options.IsolateLeaders && Random.Next(2) == 0 ? Random.Next(2) : Random.Next(4);
        var ids = Enumerable.Range(1, n).Select(i => (ulong)i).ToList();
        string description;
        switch (shape)
        {
            case 0:
                var leader = LeaderOf(RandomGroup());
                var isolated = leader != 0 ? leader : RandomNode();
                foreach (var other in ids.Where(o => o != isolated)) BlockBoth(isolated, other);
                description = $"isolate n{isolated}{(leader != 0 ? " (leader)" : "")}";
                break;
            case 1:
                // Minority / majority; with leader-biased shapes the leader is in the minority, so it keeps
                // appending entries that only the minority holds (the Figure 8 ingredient).
                var shuffled = ids.OrderBy(_ => Random.NextUInt64()).ToList();
                var inMinority = Options.IsolateLeaders ? LeaderOf(RandomGroup()) : 0;
                if (inMinority != 0)
                {
                    shuffled.Remove(inMinority);
                    shuffled.Insert(0, inMinority);
                }

                var minority = shuffled.Take((n - 1) / 2).ToList();
                foreach (var a in minority)
                {
                    foreach (var b in shuffled.Skip(minority.Count)) BlockBoth(a, b);
                }

                description = $"minority [{string.Join(',', minority)}] | majority [{string.Join(',', shuffled.Skip(minority.Count))}]";
                break;
            case 2:
                // Bridge: two sides that only the bridge node connects.
                var order = ids.OrderBy(_ => Random.NextUInt64()).ToList();
                var bridge = order[0];
                var left = order.Skip(1).Take((n - 1) / 2).ToList();
                var right = order.Skip(1 + left.Count).ToList();
                foreach (var a in left)
                {
                    foreach (var b in right) BlockBoth(a, b);
                }

                description = $"bridge n{bridge} between [{string.Join(',', left)}] and [{string.Join(',', right)}]";
                break;
            default:
                var node = Random.Next(2) == 0 ? LeaderOf(RandomGroup()) : RandomNode();
                if (node == 0) node = RandomNode();
                var outbound = Random.Next(2) == 0;
                foreach (var other in ids.Where(o => o != node))
                {
                    if (outbound) Network.Block(node, other);
                    else Network.Block(other, node);
                }

                description = $"one-way: n{node} can {(outbound ? "receive but not send" : "send but not receive")}";
                break;
        }

        _partitions++;
        _healAt = Now + 5 + Random.Next(Options.PartitionMaxTicks);
        foreach (var each in Nodes) each.Disturb(_healAt);
        Trace.Note(Now, $"PARTITION {description} until t={_healAt}");
    }

    private void BlockBoth(ulong a, ulong b)
    {
        Network.Block(a, b);
        Network.Block(b, a);
    }

    private void CrashOne()
    {
        var id = Options.CrashLeaders && Random.Next(3) != 0 ? LeaderOf(RandomGroup()) : 0;
        if (id == 0) id = RandomNode();
        var node = Nodes[(int)id - 1];
        if (!node.Up) return;
        _crashes++;
        node.Crash(Now + 1 + Random.Next(Options.DownMaxTicks));
    }

    private void PauseOne()
    {
        var id = Random.Next(2) == 0 ? LeaderOf(RandomGroup()) : RandomNode();
        if (id == 0) return;
        var node = Nodes[(int)id - 1];
        node.PausedUntil = Now + 1 + Random.Next(3 * Options.ElectionTicks);
        node.Disturb(node.PausedUntil);
        _pauses++;
        Trace.Note(Now, $"n{id} PAUSED until t={node.PausedUntil}");
    }

    private void TransferLeader()
    {
        var group = RandomGroup();
        var leader = LeaderOf(group);
        if (leader == 0 || !Nodes[(int)leader - 1].Runnable(Now)) return;
        var node = Nodes[(int)leader - 1];
        var replica = node.Replicas[group];
        var candidates = replica.Conf.Voters.Where(v => v != leader).ToList();
        if (candidates.Count == 0) return;
        var to = candidates[Random.Next(candidates.Count)];
        _transfers++;
        Trace.Note(Now, $"g{group} TRANSFER leadership n{leader} -> n{to}");
        node.Invoke(group, r => r.Node.TransferLeadership(to));
    }

    private void ForceSnapshot()
    {
        // Through the admin path (POST /admin/snapshot): every group of the node snapshots and compacts its log.
        var node = Nodes[(int)RandomNode() - 1];
        if (!node.Runnable(Now) || node.Host is not { } host) return;
        _ = host.ForceSnapshotsAsync();
        if (Options.CrashAfterSnapshot && _scheduledCrashes.TryAdd(node, Now + 2)) Trace.Note(Now, $"n{node.Id} forced snapshot, crash at t={Now + 2}");
    }
}
