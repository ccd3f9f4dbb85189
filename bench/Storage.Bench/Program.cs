// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using RaftCache.Storage.Bench;

// Storage throughput with fsync per batch (group commit), next to the disk's raw 4 KiB write+fsync rate.
// Usage: dotnet run -c Release --project bench/Storage.Bench -- [--dir /tmp/x] [--seconds 2]
var directory = Path.Combine(Path.GetTempPath(), "raftcache-storage-bench");
var seconds = 2.0;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--dir") directory = args[i + 1];
    else if (args[i] == "--seconds") seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
}

var duration = TimeSpan.FromSeconds(Math.Clamp(seconds, 0.2, 30));
Directory.CreateDirectory(directory);
try
{
    var preallocated = RawFsync.Measure(directory, duration, overwriteWrittenBlocks: false);
    Console.WriteLine($"raw 4 KiB write+fsync, fallocated file (like WAL segments): {preallocated:F0} fsyncs/s ({preallocated * 4096 / 1e6:F2} MB/s)");
    var overwrite = RawFsync.Measure(directory, duration, overwriteWrittenBlocks: true);
    Console.WriteLine($"raw 4 KiB write+fsync, overwriting written blocks (dd conv=notrunc): {overwrite:F0} fsyncs/s ({overwrite * 4096 / 1e6:F2} MB/s)");
    Console.WriteLine("| entry | proposers | groups | entries/s | MB/s | fsyncs/s | entries/fsync | p50 ms | p99 ms |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
    foreach (var size in new[] { 1024, 8192 })
    {
        foreach (var proposers in new[] { 1, 16, 128 })
        {
            var result = await GroupCommitRun.RunAsync(Path.Combine(directory, $"run-{size}-{proposers}"), size, proposers, groups: 16, duration);
            Console.WriteLine(result.ToMarkdownRow());
        }
    }

    // Measured again afterwards: on a shared VM the disk's fsync cost drifts during a run.
    var after = RawFsync.Measure(directory, duration, overwriteWrittenBlocks: false);
    Console.WriteLine($"raw 4 KiB write+fsync, fallocated file, after the runs: {after:F0} fsyncs/s ({after * 4096 / 1e6:F2} MB/s)");
    return 0;
}
finally
{
    Directory.Delete(directory, recursive: true);
}
