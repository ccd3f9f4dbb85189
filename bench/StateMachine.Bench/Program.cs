// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.StateMachine.Bench;

// Benchmarks of the cache state machine, with Redis measured in the same run for the per-key overhead.
// Usage: dotnet run -c Release --project bench/StateMachine.Bench [-- --quick] [--no-redis] [--apply-only]
// --quick shrinks every size tenfold (a smoke run); figures in docs come from a full run.
var quick = args.Contains("--quick");
var withRedis = !args.Contains("--no-redis");
var scale = quick ? 10 : 1;

Console.WriteLine($"# StateMachine.Bench {(quick ? "(quick)" : "")} on {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
ApplyBench.Run(keys: 100_000 / scale, rounds: 5);
if (args.Contains("--apply-only"))
{
    return 0;
}

var overhead = new List<OverheadBench.Result>();
foreach (var keys in new[] { 100_000 / scale, 1_000_000 / scale })
{
    var (result, machine) = OverheadBench.Run(keys);
    overhead.Add(result);
    if (keys == 1_000_000 / scale)
    {
        SnapshotBench.Run(machine);
    }
}

if (withRedis)
{
    RedisBench.Run(overhead);
}

return 0;
