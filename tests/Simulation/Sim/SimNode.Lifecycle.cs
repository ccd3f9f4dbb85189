// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

public sealed partial class SimNode
{
    /// <summary>Power loss: unsynced writes, the inbox, volatile state and every client request in progress are gone.</summary>
    public void Crash(long restartAt)
    {
        Up = false;
        RestartAt = restartAt;
        Blocked = null;
        _outstanding.Clear();
        _unsynced = false;
        _written.Clear();
        EverDurable.Clear();
        Inbox.Clear();
        Disk.Crash();
        Replicas.Clear();
        foreach (var opId in _pendingWrites.Values) _sim.Workload.Indeterminate(opId);
        foreach (var read in _pendingReads.Values) _sim.Workload.Indeterminate(read.OpId);
        _pendingWrites.Clear();
        _pendingReads.Clear();
        _sim.Trace.Note(_sim.Now, $"n{Id} CRASH (restart at t={restartAt})");
    }

    /// <summary>
    /// Restart from the synced state alone: the log view is rebuilt from the disk, the state machine from the
    /// snapshot, and the core is told Applied = the snapshot index, so it hands the committed entries after it
    /// out again (replaying the log, conf changes included).
    /// </summary>
    public void Restart()
    {
        Up = true;
        Incarnation++;
        foreach (var recovered in Disk.Recover())
        {
            if (recovered.HardState.IsEmpty && recovered.Entries.Count == 0 && recovered.Snapshot.IsEmpty) continue;
            var log = new MemoryRaftLog();
            if (!recovered.Snapshot.IsEmpty) log.ApplySnapshot(recovered.Snapshot);
            log.Append(recovered.Entries);
            log.SetHardState(recovered.HardState);
            var applied = recovered.Snapshot.Metadata.Index;
            var replica = Create(recovered.Group, log, applied);
            if (!recovered.Snapshot.IsEmpty)
            {
                replica.Sm.Restore(recovered.Snapshot.Data);
                replica.Conf = replica.PrevConf = recovered.Snapshot.Metadata.ConfState;
            }

            EverDurable[recovered.Group] = [.. recovered.Entries.Select(e => (e.Index, e.Term))];
            replica.Term = recovered.HardState.Term;
            replica.Commit = recovered.HardState.Commit;
            _sim.Oracle.OnRestart(this, replica, recovered);
        }

        _sim.Trace.Note(_sim.Now, $"n{Id} RESTART incarnation {Incarnation}: groups {string.Join(',', Replicas.Keys)}");
        foreach (var replica in Replicas.Values.ToList()) Drain(replica);
    }

    /// <summary>Takes a snapshot of the applied state and compacts the log up to it (forces snapshot sends to laggards).</summary>
    public bool ForceSnapshot(ulong group)
    {
        if (!Runnable(_sim.Now) || _outstanding.ContainsKey(group) || !Replicas.TryGetValue(group, out var replica)) return false;
        var index = replica.Sm.Applied;
        if (index < replica.Log.FirstIndex || index > replica.Log.LastIndex) return false;
        var snapshot = replica.Log.CreateSnapshot(index, replica.Conf, replica.Sm.Serialize());
        replica.Log.Compact(index);
        Disk.SaveLocalSnapshot(group, snapshot);

        // The sync also makes durable whatever other groups wrote and are still waiting to sync (async mode).
        SyncDisk();
        _sim.Oracle.OnSnapshotCreated(this, replica, snapshot);
        _sim.Trace.Note(_sim.Now, $"n{Id} g{group} snapshot + compaction at {index} ({replica.Conf})");
        return true;
    }
}
