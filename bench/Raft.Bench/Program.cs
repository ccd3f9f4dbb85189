// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using RaftCache.Raft.Bench;

// Committed entries per second and commit latency of a 3-node in-process group at 1 KiB entries.
// "unbatched": one proposal at a time, each waits for its commit (latency-bound).
// "batched": proposals arrive in bursts of N; each Ready then carries N entries (throughput-bound).
// Usage: dotnet run -c Release --project bench/Raft.Bench [seconds-per-case]
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3.0;
var payload = new byte[1024];
Console.WriteLine($"3 nodes, 1 KiB entries, in-memory log (no fsync), {seconds:F0}s per case, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"case",-14}{"entries/s",12}{"MiB/s",9}{"p50 µs",10}{"p99 µs",10}");
Run("unbatched", 1);
foreach (var burst in new[] { 16, 64, 256 }) Run($"batched x{burst}", burst);

void Run(string name, int burst)
{
    var cluster = new BenchCluster(3, maxInflight: 256);

    // Warm up the JIT and the pipeline.
    for (var i = 0; i < 20_000; i++)
    {
        cluster.Propose(payload);
        if (i % burst == burst - 1) cluster.Pump();
    }

    cluster.Pump();
    cluster.Latencies.Clear();
    var committedBefore = cluster.Committed;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < burst; i++) cluster.Propose(payload);
        cluster.Pump();
    }

    var elapsed = clock.Elapsed.TotalSeconds;
    var committed = cluster.Committed - committedBefore;
    var latencies = cluster.Latencies.Order().ToArray();
    double Micro(double q) => latencies[(int)Math.Min(latencies.Length - 1, q * latencies.Length)] * 1e6 / Stopwatch.Frequency;
    Console.WriteLine($"{name,-14}{committed / elapsed,12:N0}{committed * 1024 / elapsed / (1 << 20),9:F1}{Micro(0.50),10:F1}{Micro(0.99),10:F1}");
}

