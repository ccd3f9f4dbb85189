// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using RaftCache.Simulation.Sim;

namespace RaftCache.Simulation;

/// <summary>Same seed, same run: the trace hash covers every message, state change, fault and client event.</summary>
[Collection(SimulationCollection.Name)]
public sealed class DeterminismTests
{
    [Theory]
    [InlineData(11UL)]
    [InlineData(12UL)]
    [InlineData(13UL)]
    [InlineData(14UL)]
    [InlineData(15UL)]
    public void Running_a_seed_twice_gives_the_same_trace(ulong seed)
    {
        var first = Simulator.Run(SimOptions.Swarm(seed));
        var second = Simulator.Run(SimOptions.Swarm(seed));
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Events, second.Events);
        Assert.Equal(first.ToString(), second.ToString());
        Assert.True(first.Events > 1000, $"only {first.Events} events");
    }

    /// <summary>Membership runs too: whole production nodes joining, draining and moving replicas replay exactly.</summary>
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void Running_a_membership_seed_twice_gives_the_same_trace(ulong seed)
    {
        var first = Simulator.Run(Scenarios.Options("placement", seed));
        var second = Simulator.Run(Scenarios.Options("placement", seed));
        Assert.True(first.Options.Cluster);
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.ToString(), second.ToString());
    }

    [Fact]
    public void Different_seeds_give_different_traces()
    {
        var hashes = Enumerable.Range(20, 6).Select(s => Simulator.Run(SimOptions.Swarm((ulong)s)).TraceHash).ToHashSet();
        Assert.Equal(6, hashes.Count);
    }

    [Fact]
    public void A_failing_seed_fails_the_same_way_twice()
    {
        // With a planted bug the failure (invariant, tick and message) must replay exactly.
        SimulationFailure Fail() => Assert.Throws<SimulationFailure>(() => Simulator.Run(Scenarios.Options("crashy", 3, PlantedBugs.AckBeforePersist)));
        var a = Fail();
        var b = Fail();
        Assert.Equal(a.Message, b.Message);
        Assert.Contains("replay: RAFTCACHE_SIM_START=3", a.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("crashy", PlantedBugs.AckBeforePersist, true)]
    [InlineData("figure8", PlantedBugs.CommitPreviousTermByCount, false)]
    [InlineData("swarm", PlantedBugs.VoteNotPersisted | PlantedBugs.TruncateCommitted, true)]
    public void The_printed_replay_command_rebuilds_the_failing_options(string scenario, PlantedBugs bugs, bool ruleChecks)
    {
        var original = Scenarios.Options(scenario, 42, bugs) with { RuleChecks = ruleChecks };
        var variables = SimulationFailure.ReplayCommand(original).Split(' ')
            .Where(token => token.StartsWith("RAFTCACHE_SIM_", StringComparison.Ordinal))
            .Select(token => token.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        var replayed = ReplayEnvironment.Options(ReplayEnvironment.Start(variables.GetValueOrDefault), variables.GetValueOrDefault);
        Assert.Equal(original, replayed);
        Assert.Equal("1", variables["RAFTCACHE_SIM_SEEDS"]);
    }
}
