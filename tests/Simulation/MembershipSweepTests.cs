// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Simulation.Sim;
using Xunit.Abstractions;

namespace RaftCache.Simulation;

/// <summary>
/// Membership runs: whole production nodes (metadata group, placement controller, replica creation and deletion)
/// joining and draining under the swarm's faults, each ending with the convergence invariant.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class MembershipSweepTests(ITestOutputHelper output)
{
    /// <summary>Seeds of the CI membership sweep (RAFTCACHE_SIM_CI_MEMBERSHIP_SEEDS overrides).</summary>
    public static int Seeds => int.TryParse(Environment.GetEnvironmentVariable("RAFTCACHE_SIM_CI_MEMBERSHIP_SEEDS"), out var n) ? n : 40;

    [Fact]
    public void Membership_seeds_converge_and_keep_every_invariant()
    {
        var sweep = SeedSweep.Run(1, Seeds, 2, seed => Scenarios.Options("placement", seed));
        foreach (var failure in sweep.Failures) output.WriteLine($"FAILED seed {failure.Options.Seed}: {failure.Invariant}");
        Assert.True(sweep.Failures.Count == 0, sweep.Failures.FirstOrDefault()?.Message);
        Assert.All(sweep.Passed, result => Assert.True(result.Options.Cluster));
        output.WriteLine($"{sweep.Passed.Count} membership seeds passed");
    }
}
