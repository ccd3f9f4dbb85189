// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using RaftCache.Simulation.Sim;
using Xunit.Abstractions;

namespace RaftCache.Simulation;

/// <summary>
/// The CI sweep: at least 1,000 swarm seeds (RAFTCACHE_SIM_CI_SEEDS overrides), each a full run with faults,
/// per-step invariants, healing, convergence and a linearizability check. Besides passing, the sweep must
/// show it injected every kind of fault and that every invariant was exercised.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class SeedSweepTests(ITestOutputHelper output)
{
    public const ulong FirstSeed = 1;

    [Fact]
    public void A_thousand_swarm_seeds_keep_every_invariant_and_stay_linearizable()
    {
        var count = int.Parse(Environment.GetEnvironmentVariable("RAFTCACHE_SIM_CI_SEEDS") ?? "1000", System.Globalization.CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        var sweep = SeedSweep.Run(FirstSeed, count, workers: 2, seed => SimOptions.Swarm(seed));
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var failure in sweep.Failures) output.WriteLine($"FAILED seed {failure.Options.Seed}: {failure.Invariant}");
        Assert.True(sweep.Failures.Count == 0, sweep.Failures.FirstOrDefault()?.Message);

        var runs = sweep.Passed;
        output.WriteLine($"{runs.Count} seeds in {seconds:F1}s = {runs.Count / seconds:F1} seeds/s (2 workers)");
        output.WriteLine($"injected: crashes={runs.Sum(r => r.Crashes)} partitions={runs.Sum(r => r.Partitions)} pauses={runs.Sum(r => r.Pauses)} "
            + $"dropped={runs.Sum(r => r.MessagesDropped)} duplicated={runs.Sum(r => r.MessagesDuplicated)} confchanges={runs.Sum(r => r.ConfChangesProposed)} "
            + $"transfers={runs.Sum(r => r.Transfers)} snapshots={runs.Sum(r => r.Snapshots)}");
        output.WriteLine($"client ops: ok={runs.Sum(r => r.Acknowledged)} fail={runs.Sum(r => r.Failed)} unknown={runs.Sum(r => r.Unknown)}");

        // A sweep that injects nothing, or whose checks never run, proves nothing.
        Assert.All([runs.Sum(r => r.Crashes), runs.Sum(r => r.Partitions), runs.Sum(r => r.Pauses), runs.Sum(r => (int)r.MessagesDropped),
            runs.Sum(r => (int)r.MessagesDuplicated), runs.Sum(r => r.ConfChangesProposed), runs.Sum(r => r.Transfers), runs.Sum(r => r.Snapshots)],
            n => Assert.True(n > count / 10, $"a fault kind was injected only {n} times"));
        Assert.True(runs.Sum(r => r.Acknowledged) > count * 20, "too few acknowledged client operations");
        var checks = runs.SelectMany(r => r.ChecksRun).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
        foreach (var (name, n) in checks.OrderBy(p => p.Key, StringComparer.Ordinal)) output.WriteLine($"  check '{name}': {n}");
        string[] expected =
        [
            "election safety", "leader append-only", "log matching", "leader completeness", "state machine safety",
            "vote persisted before it is sent", "one vote per term per voter", "durable term and vote never go back",
            "monotonic commit", "applied <= commit <= last", "one configuration change at a time", "removed node never leads",
            "acknowledged write durable on a quorum", "read safety", "committed entry never truncated", "snapshot holds committed state",
            "leader commits only current-term entries (§5.4.2)", "append acknowledged only when durable", "restart recovers the durable hard state",
            "no phantom commands", "snapshots at one index agree", "committed entries never change", "apply in order",
        ];
        Assert.All(expected, name => Assert.True(checks.GetValueOrDefault(name) > 0, $"invariant '{name}' was never checked"));
    }
}
