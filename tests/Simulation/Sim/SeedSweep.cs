// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace RaftCache.Simulation.Sim;

/// <summary>The outcome of many seeds: passed runs in seed order, failures in seed order.</summary>
public sealed record SweepResult(IReadOnlyList<SimResult> Passed, IReadOnlyList<SimulationFailure> Failures);

/// <summary>
/// Runs seeds on a bounded number of worker threads. Each seed is a self-contained, single-threaded,
/// deterministic simulation, so parallelism across seeds changes nothing about any one run.
/// </summary>
public static class SeedSweep
{
    public static SweepResult Run(ulong start, int count, int workers, Func<ulong, SimOptions> options, bool stopAtFirstFailure = false)
    {
        var passed = new ConcurrentBag<SimResult>();
        var failures = new ConcurrentBag<SimulationFailure>();
        var next = -1L;
        var stop = 0;
        var threads = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count) return;
                try
                {
                    passed.Add(Simulator.Run(options(start + (ulong)i)));
                }
                catch (SimulationFailure failure)
                {
                    failures.Add(failure);
                    if (stopAtFirstFailure) Volatile.Write(ref stop, 1);
                }
            }
        }, maxStackSize: 16 << 20)).ToList();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        return new SweepResult([.. passed.OrderBy(r => r.Options.Seed)], [.. failures.OrderBy(f => f.Options.Seed)]);
    }
}
