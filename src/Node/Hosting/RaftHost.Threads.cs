// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Hosting;

/// <summary>
/// The only threads of the host: the production loop task that runs <see cref="RunOnce"/> whenever work arrives, and
/// the thread-pool executor of snapshot writes. The seeded simulation replaces both (<see cref="StartSteppedAsync"/>,
/// <see cref="SnapshotExecutor"/>), which is why this file alone is exempt from the determinism guard.
/// </summary>
public sealed partial class RaftHost
{
    /// <summary>Starts the transport and the tick timer, and runs <see cref="RunOnce"/> on a loop task whenever work arrives.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StartSteppedAsync(cancellationToken);
        _loop = Task.Factory.StartNew(LoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private async Task LoopAsync()
    {
        var reader = _inbox.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                RunOnce();
                Instruments.IterationDone(started);
            }
        }
        catch (Exception e)
        {
            // Fail-stop (pitfall 16): a broken invariant or a failed write/fsync must not leave a node that
            // keeps heartbeating with state it cannot vouch for. Restart recovers from the durable log.
            LogFatal(_logger, e);
            Environment.FailFast($"raftcache node {NodeId}: host loop failed: {e}", e);
        }
    }

    private static void RunOnThreadPool(Action work) => Task.Run(work);

    [LoggerMessage(EventId = 75200, Level = LogLevel.Critical, Message = "Host loop failed; stopping the node")]
    private static partial void LogFatal(ILogger logger, Exception error);
}
