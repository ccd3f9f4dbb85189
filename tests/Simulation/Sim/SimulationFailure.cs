// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Simulation.Sim;

/// <summary>
/// A broken invariant (or a core exception) in a simulated run: names the seed, the invariant, the tick,
/// the recent events, and the command that replays exactly this run.
/// </summary>
public sealed class SimulationFailure : Exception
{
    public SimulationFailure(SimOptions options, string invariant, long tick, string detail, string traceTail, Exception? inner = null)
        : base(Format(options, invariant, tick, detail, traceTail), inner)
    {
        Options = options;
        Invariant = invariant;
        Tick = tick;
        Detail = detail;
    }

    public SimOptions Options { get; }

    public string Invariant { get; }

    public long Tick { get; }

    public string Detail { get; }

    public static string ReplayCommand(SimOptions options) => options.Scenario.StartsWith("explicit:", StringComparison.Ordinal)
        ? $"dotnet test tests/Simulation -c Release --filter \"FullyQualifiedName~{options.Scenario["explicit:".Length..]}\" (seed {options.Seed}; the test builds these options)"
        : $"RAFTCACHE_SIM_START={options.Seed} RAFTCACHE_SIM_SEEDS=1{(options.PlantedBugs != 0 ? $" RAFTCACHE_SIM_BUGS={options.PlantedBugs.ToString().Replace(" ", "", StringComparison.Ordinal)}" : "")}"
        + (options.Scenario != "swarm" ? $" RAFTCACHE_SIM_SCENARIO={options.Scenario}" : "")
        + (options.RuleChecks ? "" : " RAFTCACHE_SIM_RULE_CHECKS=0")
        + " dotnet test tests/Simulation -c Release --filter FullyQualifiedName~SeedRunner";

    private static string Format(SimOptions options, string invariant, long tick, string detail, string traceTail) =>
        $"SIMULATION FAILURE: invariant '{invariant}' broken at tick {tick}\n  {detail}\n  options: {options}\n"
        + $"  replay: {ReplayCommand(options)}\n  last events:\n{traceTail}";
}
