// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Simulation.Sim;

public sealed partial class SimNode
{
    /// <summary>Power loss: the host, unsynced writes, held messages, queued snapshot writes and every request in progress are gone.</summary>
    public void Crash(long restartAt)
    {
        Up = false;
        RestartAt = restartAt;
        Host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Host = null;
        Wal.Crash();
        Transport.DropHeld();
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
        Wal.Restart();
        CreateHost();
        Host!.RecoverGroups(_ => NewStateMachine());
        foreach (var recovered in Wal.Model.Recover())
        {
            EverDurable[recovered.Group] = [.. recovered.Entries.Select(e => (e.Index, e.Term))];
            _sim.Oracle.OnRestart(this, recovered);
        }
        Start();
        _sim.Trace.Note(_sim.Now, $"n{Id} RESTART incarnation {Incarnation}: groups {string.Join(',', Replicas.Keys)}");
    }
}
