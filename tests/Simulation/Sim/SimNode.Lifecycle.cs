// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Simulation.Sim;

public sealed partial class SimNode
{
    /// <summary>Power loss: the host, unsynced writes, a running fsync, queued snapshot writes and every request in progress are gone.</summary>
    public void Crash(long restartAt)
    {
        Up = false;
        RestartAt = restartAt;
        Disturb(restartAt);
        Stop();
        Wal.Crash();
        _sync = null;
        _snapshotWork.Clear();
        _replicas.Clear();
        EverDurable.Clear();
        foreach (var op in _pending) _sim.Workload.Indeterminate(op.OpId);
        _pending.Clear();
        _sim.Trace.Note(_sim.Now, $"n{Id} CRASH (restart at t={restartAt})");
    }

    /// <summary>
    /// Restart from the synced state alone: the WAL recovers (and must match the model), then a new production host
    /// rebuilds every group from it (<c>RaftHost.RecoverGroups</c>), exactly as a node process does.
    /// </summary>
    public void Restart()
    {
        Up = true;
        Incarnation++;
        Disturb(_sim.Now);
        Wal.Restart();
        if (_sim.Options.Cluster) Cache = NewCacheNode();
        else
        {
            _host = NewHost(HostOptionsFor(Id));
            _host.RecoverGroups(_ => NewStateMachine());
        }
        foreach (var recovered in Wal.Model.Recover())
        {
            EverDurable[recovered.Group] = [.. recovered.Entries.Select(e => (e.Index, e.Term))];
            _sim.Oracle.OnRestart(this, recovered);
        }
        Start();
        _sim.Trace.Note(_sim.Now, $"n{Id} RESTART incarnation {Incarnation}: groups {string.Join(',', Replicas.Keys)}");
    }

    /// <summary>The host and its node are gone (the process ended); the disk stays as it is.</summary>
    private void Stop()
    {
        if (Cache is { } cache) cache.DisposeAsync().AsTask().GetAwaiter().GetResult();
        else _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Cache = null;
        _host = null;
    }
}
