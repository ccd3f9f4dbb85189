// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// Turns the RAFTCACHE_SIM_* variables (see README.md) into the options of one seed. The replay command a
/// failure prints sets exactly these variables, so a replay rebuilds exactly the failing run's options.
/// </summary>
public static class ReplayEnvironment
{
    public static ulong Start(Func<string, string?> env) => ulong.Parse(env("RAFTCACHE_SIM_START") ?? "1000000", CultureInfo.InvariantCulture);

    public static int Seeds(Func<string, string?> env) => int.Parse(env("RAFTCACHE_SIM_SEEDS") ?? "20", CultureInfo.InvariantCulture);

    public static int Workers(Func<string, string?> env) => int.Parse(env("RAFTCACHE_SIM_WORKERS") ?? "2", CultureInfo.InvariantCulture);

    public static SimOptions Options(ulong seed, Func<string, string?> env)
    {
        var bugs = Enum.Parse<PlantedBugs>(env("RAFTCACHE_SIM_BUGS") ?? "None");
        var scenario = env("RAFTCACHE_SIM_SCENARIO") ?? "swarm";
        return Scenarios.Options(scenario, seed, bugs) with
        {
            RuleChecks = env("RAFTCACHE_SIM_RULE_CHECKS") != "0",
        };
    }
}
