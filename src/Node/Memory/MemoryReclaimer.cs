// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Node.Memory;

/// <summary>
/// Returns memory the GC committed during a burst and no longer uses to the OS, off the request path: a timer on
/// the thread pool checks the GC's own figures every <see cref="CheckEvery"/> and, when <see cref="ReclaimPolicy"/>
/// agrees (large idle share, node not busy), runs one aggressive collection (full, compacting, decommitting).
/// Measured in docs/benchmarks.md sections 14 and 6.
/// </summary>
public sealed partial class MemoryReclaimer(TimeProvider time, ILogger<MemoryReclaimer> logger) : BackgroundService
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = time.GetTimestamp();
        var lastPause = TimeSpan.Zero;
        var allocated = GC.GetTotalAllocatedBytes();
        using var timer = new PeriodicTimer(CheckEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var info = GC.GetGCMemoryInfo(GCKind.Any);
                var allocatedNow = GC.GetTotalAllocatedBytes();
                var sinceCheck = allocatedNow - allocated;
                allocated = allocatedNow;
                if (!ReclaimPolicy.ShouldReclaim(info.TotalCommittedBytes, info.HeapSizeBytes, info.FragmentedBytes, time.GetElapsedTime(last), lastPause, sinceCheck)) continue;
                var before = Environment.WorkingSet;
                var watch = Stopwatch.StartNew();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                lastPause = watch.Elapsed;
                last = time.GetTimestamp();
                LogReclaimed(logger, (before - Environment.WorkingSet) >> 20, lastPause.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 75500, Level = LogLevel.Debug, Message = "Returned {MiB} MiB of idle GC memory to the OS in a {Ms:0} ms collection")]
    private static partial void LogReclaimed(ILogger logger, long miB, double ms);
}
