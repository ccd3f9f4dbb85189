// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Chaos;

/// <summary>
/// Clock faults on one node (libfaketime, ChaosCluster.Clock.cs), wall and monotonic clock together: a jump forward
/// (a stalled VM resuming: every timer fires at once), a small step back (an NTP step: timers wait it out, like a
/// short pause), and a drift, the offset ramped once a second for a few seconds at a rate from 2% (within any sane
/// lease bound) to 50% (far beyond it), either way. Offsets accumulate and are never undone: a node whose clock moved
/// keeps its own time, as a real one would. Checked by everything a run checks after healing; lease reads are part
/// of the workload, so a lease that outlived its leadership would show as a stale read.
/// </summary>
public sealed partial class Nemesis
{
    private static readonly double[] DriftRates = [-0.5, -0.1, -0.02, 0.02, 0.1, 0.5];

    private async Task SkewClockAsync()
    {
        var (node, shard) = _random.Next(2) == 0 ? await LeaderAsync() : (RandomNode(), 0);
        var who = $"n{node}{(shard > 0 ? $" (leader of shard {shard})" : "")}";
        var offset = cluster.ClockOffset(node);
        Faults++;
        switch (_random.Next(3))
        {
            case 0:
                var jump = 2 + (_random.NextDouble() * 28);
                Note($"clock of {who} jumps forward {S(jump)} s (offset {S(offset)} -> {S(offset + jump)} s)");
                await cluster.SetClockOffsetAsync(node, offset + jump);
                await Hold(3, 6);
                break;
            case 1:
                var back = 0.2 + (_random.NextDouble() * 1.8);
                Note($"clock of {who} steps back {S(back)} s (offset {S(offset)} -> {S(offset - back)} s)");
                await cluster.SetClockOffsetAsync(node, offset - back);
                await Hold(3, 6);
                break;
            default:
                var rate = DriftRates[_random.Next(DriftRates.Length)];
                var seconds = 4 + _random.Next(5);
                Note($"clock of {who} drifts {(rate > 0 ? "fast" : "slow")} by {S(rate * 100)}% for {seconds} s (offset from {S(offset)} s)");
                for (var i = 1; i <= seconds; i++)
                {
                    await cluster.SetClockOffsetAsync(node, offset + (rate * i));
                    await Task.Delay(TimeSpan.FromSeconds(1)); // the ramp's step: libfaketime re-reads its file once a second
                }

                Note($"clock of {who} stops drifting at offset {S(cluster.ClockOffset(node))} s");
                break;
        }
    }

    private static string S(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
