// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;

namespace RaftCache.Chaos;

/// <summary>
/// Knobs of a chaos run, read from the environment so long battles need no code change:
/// RAFTCACHE_CHAOS_SECONDS (fault phase per scenario; unset: each scenario's CI default), RAFTCACHE_CHAOS_NODES (3 to 5; overrides each
/// scenario's default), RAFTCACHE_CHAOS_REPEAT (runs per scenario, each with a new seed),
/// RAFTCACHE_CHAOS_SEED (replays one seed), RAFTCACHE_CHAOS_RESULTS (where histories and failed runs are kept),
/// RAFTCACHE_CHAOS_CLIENTS / _CLIENT_RATE / _KEYS (the load).
/// </summary>
public static class ChaosSettings
{
    /// <summary>
    /// Seconds of faults for <paramref name="scenario"/>: RAFTCACHE_CHAOS_SECONDS when set, else the CI default,
    /// sized so the whole battery stays within about 7 minutes on 2 cores (R needs the most: joins and drains take
    /// several fault rounds each).
    /// </summary>
    public static int FaultSecondsOf(Scenario scenario) => Int("RAFTCACHE_CHAOS_SECONDS", scenario switch
    {
        Scenario.R => 40,
        _ => 32,
    }, 5, 3600);

    public static int? Nodes => Environment.GetEnvironmentVariable("RAFTCACHE_CHAOS_NODES") is { Length: > 0 }
        ? Int("RAFTCACHE_CHAOS_NODES", 3, 3, 5)
        : null;

    /// <summary>Concurrent clients (RAFTCACHE_CHAOS_CLIENTS), one operation in flight each.</summary>
    public static int Clients => Int("RAFTCACHE_CHAOS_CLIENTS", 24, 1, 200);

    /// <summary>Most operations per second one client issues (RAFTCACHE_CHAOS_CLIENT_RATE).</summary>
    public static int ClientRate => Int("RAFTCACHE_CHAOS_CLIENT_RATE", 16, 1, 1000);

    /// <summary>Live keys at a time (RAFTCACHE_CHAOS_KEYS); each is retired after <see cref="KeySpace.OpsPerKey"/> operations.</summary>
    public static int Keys => Int("RAFTCACHE_CHAOS_KEYS", 64, 1, 10_000);

    public static int Repeat => Int("RAFTCACHE_CHAOS_REPEAT", 1, 1, 1000);

    public static string RepositoryRoot { get; } = typeof(ChaosSettings).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static string ResultsRoot => Environment.GetEnvironmentVariable("RAFTCACHE_CHAOS_RESULTS") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepositoryRoot, "artifacts", "chaos-results");

    /// <summary>The seed of one run: RAFTCACHE_CHAOS_SEED when set (replay), else a fresh random one (always logged).</summary>
    public static int NextSeed() => Environment.GetEnvironmentVariable("RAFTCACHE_CHAOS_SEED") is { Length: > 0 } text
        ? int.Parse(text, CultureInfo.InvariantCulture)
        : RandomNumberGenerator.GetInt32(1, int.MaxValue);

    private static int Int(string name, int fallback, int min, int max)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(text)) return fallback;
        var value = int.Parse(text, CultureInfo.InvariantCulture);
        if (value < min || value > max) throw new InvalidOperationException($"{name}={value}: must be {min} to {max}");
        return value;
    }
}
