// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;

namespace RaftCache.Chaos;

/// <summary>
/// Disk faults on one node's own small filesystem (ChaosCluster.Disks.cs). Disk full: the node must refuse or
/// fail-stop without corrupting anything, and come back from its own disk once space is freed (restarted when it
/// stopped); checked by its readiness (bounded) and, after healing, by convergence and the lost-ack and
/// linearizability checks. Slow disk: the node's writes are throttled; the others must keep acknowledging writes
/// meanwhile (<see cref="ServiceWindows"/>), and the slow node must catch up (convergence after healing).
/// </summary>
public sealed partial class Nemesis
{
    private readonly List<(long From, long To, string Fault)> _serviceWindows = [];

    /// <summary>Intervals (Stopwatch ticks) in which the cluster must acknowledge at least one write.</summary>
    public IReadOnlyList<(long From, long To, string Fault)> ServiceWindows => _serviceWindows;

    private async Task FillDiskAsync()
    {
        var (node, shard) = _random.Next(2) == 0 ? await LeaderAsync() : (RandomNode(), 0);
        if (cluster.IsDown(node) || node == Leaving) return; // a member being removed may stop by itself
        Faults++;
        var taken = await cluster.FillDiskAsync(node);
        Note($"disk full on n{node}{(shard > 0 ? $" (leader of shard {shard})" : "")}: ballast took its {taken / (1024 * 1024)} MiB free");
        await Hold(3, 6);
        var exit = await cluster.ExitCodeAsync(node);
        Note(exit is null ? $"n{node} still running on a full disk" : $"n{node} stopped on the full disk (exit code {exit})");
        await cluster.FreeDiskAsync(node);
        Note($"disk space freed on n{node}");
        await RecoverAsync(node, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Waits (bounded) until <paramref name="node"/> is ready, starting it again whenever it has stopped: a write
    /// under way while the disk was full can still stop the node after the space came back.
    /// </summary>
    private async Task RecoverAsync(int node, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (await cluster.ExitCodeAsync(node) is { } code)
            {
                await cluster.RestartAsync(node);
                Note($"n{node} had stopped (exit code {code}); started it again");
            }

            if (await cluster.IsReadyAsync(node))
            {
                Note($"n{node} ready {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s after space was freed");
                return;
            }

            await Task.Delay(200); // polling interval of a bounded readiness wait
        }

        throw new TimeoutException($"n{node} not ready {within.TotalSeconds:F0} s after its disk space was freed");
    }

    private async Task SlowDiskAsync()
    {
        var (node, shard) = _random.Next(2) == 0 ? await LeaderAsync() : (RandomNode(), 0);
        if (cluster.IsDown(node) || node == Leaving) return; // a member being removed may stop by itself
        // The promise is "the others keep serving": judge it only from a cluster that serves, not one still
        // recovering from the previous fault (a restarted majority on a loaded host takes seconds to be ready).
        await cluster.WaitReadyAsync(TimeSpan.FromSeconds(60), except: Leaving);
        var iops = 2 + _random.Next(9);
        var kib = 256 * (1 + _random.Next(4));
        Faults++;
        Note($"slow disk on n{node}{(shard > 0 ? $" (leader of shard {shard})" : "")}: writes throttled to {iops} IOPS and {kib} KiB/s");
        await cluster.ThrottleDiskAsync(node, iops, kib * 1024L);
        var from = Stopwatch.GetTimestamp();
        await Hold(5, 10);
        _serviceWindows.Add((from, Stopwatch.GetTimestamp(), $"slow disk on n{node}"));
        await cluster.ThrottleDiskAsync(node, 0, 0);
        Note($"disk of n{node} at full speed again");
    }
}
