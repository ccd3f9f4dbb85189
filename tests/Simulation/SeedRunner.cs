// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using RaftCache.Simulation.Sim;
using Xunit.Abstractions;

namespace RaftCache.Simulation;

/// <summary>
/// Runs any number of seeds chosen by environment variables (README.md lists them all): RAFTCACHE_SIM_START,
/// RAFTCACHE_SIM_SEEDS, RAFTCACHE_SIM_WORKERS, RAFTCACHE_SIM_BUGS, RAFTCACHE_SIM_SCENARIO, RAFTCACHE_SIM_RULE_CHECKS,
/// RAFTCACHE_SIM_TAIL, RAFTCACHE_SIM_VERBOSE. A failure's replay command sets them.
/// Without them it runs 20 seeds, so it is never an empty test.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class SeedRunner(ITestOutputHelper output)
{
    [Fact]
    public void Runs_the_seeds_named_by_the_environment()
    {
        Func<string, string?> env = Environment.GetEnvironmentVariable;
        var start = ReplayEnvironment.Start(env);
        var count = ReplayEnvironment.Seeds(env);
        var workers = ReplayEnvironment.Workers(env);
        var verbose = count <= 5 || Environment.GetEnvironmentVariable("RAFTCACHE_SIM_VERBOSE") == "1";
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var results = SeedSweep.Run(start, count, workers, seed => ReplayEnvironment.Options(seed, env));
        if (results.Failures.Count > 0) output.WriteLine(results.Failures[0].Message);
        foreach (var failure in results.Failures) output.WriteLine($"FAILED seed {failure.Options.Seed}: {failure.Invariant} at tick {failure.Tick}");
        if (verbose)
        {
            foreach (var r in results.Passed) output.WriteLine($"{r.Options}\n  {r}");
        }

        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        output.WriteLine($"{count} seeds from {start} in {clock.Elapsed.TotalSeconds:F1}s ({count / clock.Elapsed.TotalSeconds:F1} seeds/s, {workers} workers, "
            + $"{cpuSeconds:F1} CPU-s = {count / cpuSeconds:F1} seeds per CPU-second): {results.Failures.Count} failed");
        Assert.True(results.Failures.Count == 0, $"{results.Failures.Count} seeds failed, first: seed {results.Failures.FirstOrDefault()?.Options.Seed}");
    }
}
