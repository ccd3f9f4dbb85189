// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Hosting;

/// <summary>
/// The only threads of the host: the production loop task that runs <see cref="RunOnce"/> whenever work arrives, the
/// thread-pool executor of snapshot writes, and the WAL sync thread. The seeded simulation replaces all three
/// (<see cref="StartSteppedAsync"/>, <see cref="SnapshotExecutor"/>, <see cref="SyncExecutor"/>), which is why this
/// file alone is exempt from the determinism guard.
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
            var lastSlowWarning = 0L;
            while (await reader.WaitToReadAsync())
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var work = RunOnce();
                Instruments.IterationDone(started);
                var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                // Every group on this node waited that long: followers time out at an election timeout. At most one
                // warning per SlowIterationWarningEvery, so an overloaded node does not flood its log as well.
                if (took >= SlowIteration && System.Diagnostics.Stopwatch.GetElapsedTime(lastSlowWarning) >= SlowIterationWarningEvery)
                {
                    lastSlowWarning = System.Diagnostics.Stopwatch.GetTimestamp();
                    LogSlowIteration(_logger, NodeId, (long)took.TotalMilliseconds, work, _groups.Count);
                }
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

    /// <summary>An iteration this long is logged: half an election timeout, when followers start to doubt their leader.</summary>
    private TimeSpan SlowIteration => TimeSpan.FromMilliseconds(_options.Tick.TotalMilliseconds * _options.ElectionTicks / 2);

    private static readonly TimeSpan SlowIterationWarningEvery = TimeSpan.FromSeconds(5);

    private static void RunOnThreadPool(Action work) => Task.Run(work);

    // No task: the completions it runs need none, and a work item costs less.
    private static void RunOnThreadPoolQueue(Action work) => ThreadPool.UnsafeQueueUserWorkItem(static w => w(), work, preferLocal: false);

    /// <summary>How long a stopping host waits for a running fsync to return before it lets go of the WAL.</summary>
    private static readonly TimeSpan SyncStopWait = TimeSpan.FromSeconds(10);

    private readonly object _syncGate = new();
    private readonly Queue<Action> _syncWork = new();
    private bool _syncStopping;
    private Thread? _syncThread;

    /// <summary>
    /// The production sync executor: one dedicated thread, so an fsync never waits for a thread-pool thread busy
    /// with requests, and never two syncs at once (the loop starts the next one only after the previous returned).
    /// The thread blocks on a monitor rather than a <c>BlockingCollection</c>: the latter's semaphore spins with
    /// <c>sched_yield</c> before it blocks, after every fsync, which cost about a tenth of the cluster's CPU under a
    /// put load on two cores (docs/benchmarks.md, "Where the whole cluster's CPU goes").
    /// </summary>
    private void RunOnSyncThread(Action work)
    {
        lock (_syncGate)
        {
            if (_syncThread is null)
            {
                _syncThread = new Thread(SyncThreadMain) { IsBackground = true, Name = $"raftcache-wal-sync-{NodeId}" };
                _syncThread.Start();
            }
            _syncWork.Enqueue(work);
            Monitor.Pulse(_syncGate);
        }
    }

    private void SyncThreadMain()
    {
        while (true)
        {
            Action work;
            lock (_syncGate)
            {
                while (_syncWork.Count == 0 && !_syncStopping) Monitor.Wait(_syncGate);
                if (_syncWork.Count == 0) return;
                work = _syncWork.Dequeue();
            }
            work();
        }
    }

    /// <summary>The owner closes the WAL after the host: a sync still running must not race that.</summary>
    private void StopSyncThread()
    {
        Thread? thread;
        lock (_syncGate)
        {
            _syncStopping = true;
            Monitor.Pulse(_syncGate);
            thread = _syncThread;
        }
        thread?.Join(SyncStopWait);
    }

    [LoggerMessage(EventId = 75202, Level = LogLevel.Warning, Message = "Node {Node}: one host loop iteration took {Milliseconds} ms ({WorkItems} work items, {Groups} groups); every group on this node waited meanwhile")]
    private static partial void LogSlowIteration(ILogger logger, ulong node, long milliseconds, int workItems, int groups);

    [LoggerMessage(EventId = 75200, Level = LogLevel.Critical, Message = "Host loop failed; stopping the node")]
    private static partial void LogFatal(ILogger logger, Exception error);
}
