// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Simulation.Sim;
using Xunit.Abstractions;

namespace RaftCache.Simulation;

/// <summary>
/// Membership runs: whole production nodes (metadata group, placement controller, replica creation and deletion)
/// joining, draining, crashing and rejoining under the swarm's faults, each ending with the convergence invariant.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class MembershipSweepTests(ITestOutputHelper output)
{
    /// <summary>Seeds of each membership scenario in the CI sweep (RAFTCACHE_SIM_CI_MEMBERSHIP_SEEDS overrides).</summary>
    public static int Seeds => int.TryParse(Environment.GetEnvironmentVariable("RAFTCACHE_SIM_CI_MEMBERSHIP_SEEDS"), out var n) ? n : 100;

    [Theory]
    [InlineData("placement")]
    [InlineData("replica-churn")]
    [InlineData("rejoin")]
    [InlineData("drop-crash")]
    public void Membership_seeds_converge_and_keep_every_invariant(string scenario)
    {
        var sweep = SeedSweep.Run(1, Seeds, 2, seed => Scenarios.Options(scenario, seed));
        foreach (var failure in sweep.Failures) output.WriteLine($"FAILED {scenario} seed {failure.Options.Seed}: {failure.Invariant}");
        Assert.True(sweep.Failures.Count == 0, sweep.Failures.FirstOrDefault()?.Message);
        Assert.All(sweep.Passed, result => Assert.True(result.Options.Cluster));
        output.WriteLine($"{sweep.Passed.Count} {scenario} seeds passed");
    }
}
