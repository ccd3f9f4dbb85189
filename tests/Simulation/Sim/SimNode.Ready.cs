// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

public sealed partial class SimNode
{
    private const int MaxReadiesPerDrain = 10_000;

    /// <summary>
    /// Processes every Ready of <paramref name="replica"/> in the contract's order: send Messages now;
    /// persist snapshot, entries, hard state; fsync (perhaps later); only then send MessagesAfterPersist,
    /// acknowledge clients, apply, answer reads, Advance. The oracle looks at each stage.
    /// </summary>
    public void Drain(Replica replica)
    {
        for (var n = 0; Blocked is null && replica.Raw.HasReady(); n++)
        {
            if (n >= MaxReadiesPerDrain) _sim.Fail("host loop bounded", $"n{Id} g{replica.Group} produced more than {MaxReadiesPerDrain} Readies in a row");
            var ready = replica.Raw.TakeReady();
            _sim.Oracle.BeforePersist(this, replica, ready);
            foreach (var m in ready.Messages) Send(replica.Group, m);
            Persist(replica, ready);
            _sim.Oracle.AfterPersist(this, replica, ready);
            if (ready.MustSync && _sim.Options.FsyncDelayRate > 0 && _sim.Random.NextDouble() < _sim.Options.FsyncDelayRate)
            {
                var until = _sim.Now + 1 + _sim.Random.Next(_sim.Options.FsyncMaxDelayTicks);
                if (_sim.Options.AsyncPersist) _outstanding[replica.Group] = (ready, until);
                else Blocked = (replica, ready, until);
                _sim.Trace.Add(_sim.Now, 20, Id, replica.Group, (ulong)until, 0, () => $"n{Id} fsync delayed until t={until}");
                return;
            }

            Complete(replica, ready);
        }
    }

    /// <summary>Async persistence: completes the Readies whose fsync is due, in group order.</summary>
    private void CompleteDueWrites(long now)
    {
        foreach (var (group, pending) in _outstanding.Where(p => p.Value.Until <= now).ToList())
        {
            _outstanding.Remove(group);
            if (!Replicas.TryGetValue(group, out var replica)) continue;
            Complete(replica, pending.Ready);
            Drain(replica);
        }
    }

    /// <summary>Fsyncs the node's disk and tells the oracle what became durable.</summary>
    private void SyncDisk()
    {
        Disk.Sync();
        _unsynced = false;
        RecordDurable();
        _sim.Oracle.OnSynced(this);
    }

    private void RecordDurable()
    {
        foreach (var (group, entries) in _written)
        {
            if (!EverDurable.TryGetValue(group, out var set)) EverDurable[group] = set = [];
            foreach (var e in entries) set.Add((e.Index, e.Term));
        }

        _written.Clear();
    }

    private void Persist(Replica replica, Ready ready)
    {
        _unsynced |= ready.Snapshot is not null || ready.Entries.Count > 0 || ready.HardState is not null;
        if (ready.Snapshot is { } snapshot)
        {
            Disk.InstallSnapshot(replica.Group, snapshot);
            replica.Log.ApplySnapshot(snapshot);
        }

        if (ready.Entries.Count > 0)
        {
            _written.Add((replica.Group, ready.Entries));
            Disk.Append(replica.Group, ready.Entries);
            replica.Log.Append(ready.Entries);
        }

        if (ready.HardState is { } hs)
        {
            Disk.SetHardState(replica.Group, hs);
            replica.Log.SetHardState(hs);
        }
    }

    private void Complete(Replica replica, Ready ready)
    {
        // One fsync covers everything written so far, by every group (group commit).
        if (_unsynced) SyncDisk();

        foreach (var m in ready.MessagesAfterPersist) Send(replica.Group, m);
        if (ready.Snapshot is { } snapshot)
        {
            replica.Sm.Restore(snapshot.Data);
            replica.Sm.Applied = snapshot.Metadata.Index;
            replica.Conf = replica.PrevConf = snapshot.Metadata.ConfState;
            _sim.Oracle.OnSnapshotInstalled(this, replica, snapshot);
        }

        foreach (var entry in ready.CommittedEntries) Apply(replica, entry);
        replica.PendingReads.AddRange(ready.ReadStates);
        foreach (var rs in ready.ReadStates)
        {
            if (_pendingReads.TryGetValue(rs.RequestId, out var read)) _sim.Oracle.CheckRead(this, replica, rs, read.Floor);
        }

        replica.Raw.Advance(ready);
        ServeReads(replica);
        _sim.Oracle.AfterAdvance(this, replica);
    }

    private void Apply(Replica replica, Entry entry)
    {
        _sim.Oracle.OnApply(this, replica, entry);
        switch (entry.Type)
        {
            case EntryType.Normal when entry.Data.Length > 0:
                var command = KvCommand.Decode(entry.Data.Span);
                _sim.Oracle.CheckIssued(this, replica, entry, command);
                var result = replica.Sm.Apply(command, out var duplicate);
                if (!duplicate) _sim.Workload.OnApplied(command, result);
                if (_pendingWrites.Remove((command.ClientId, command.Seq), out var opId))
                {
                    _sim.Oracle.CheckAckDurable(this, replica, entry);
                    _sim.Workload.Complete(opId, result, Id);
                }

                break;
            case EntryType.ConfChange:
                var change = ConfChangeCodec.Decode(entry.Data.Span);
                replica.PrevConf = replica.Conf;
                replica.Conf = replica.Raw.ApplyConfChange(change);
                _sim.Trace.Add(_sim.Now, 21, Id, replica.Group, entry.Index, 0, () => $"n{Id} g{replica.Group} applied conf change @{entry.Index} {ConfChangeCodec.Describe(change)} -> {replica.Conf}");
                break;
        }

        replica.Sm.Applied = entry.Index;
    }

    private void ServeReads(Replica replica)
    {
        for (var i = 0; i < replica.PendingReads.Count; i++)
        {
            var rs = replica.PendingReads[i];
            if (rs.Index > replica.Sm.Applied) continue;
            replica.PendingReads.RemoveAt(i--);
            if (!_pendingReads.Remove(rs.RequestId, out var read)) continue;
            var value = replica.Sm.Read(read.Key);
            _sim.Trace.Add(_sim.Now, 22, Id, replica.Group, rs.RequestId, rs.Index, () => $"n{Id} g{replica.Group} read #{rs.RequestId} at {rs.Index} (applied {replica.Sm.Applied}) {read.Key} = {value}");
            _sim.Workload.Complete(read.OpId, value, Id);
        }
    }

    private void Send(ulong group, Message m)
    {
        _sim.Oracle.OnSend(this, group, m);
        if (m.To == 0 || m.To > (ulong)_sim.Nodes.Count) return;
        var delivered = _sim.Network.Send(group, m, _sim.Now, Incarnation);
        _sim.Trace.Add(_sim.Now, 30 + (ulong)m.Type, m.From, m.To, m.Term, m.Index * 1000 + (ulong)m.Entries.Count, () => $"g{group} send {m}{(delivered ? "" : " [DROPPED]")}");
        if (!delivered && m.Type == MessageType.Snapshot) ReportSnapshot(group, m.To, false, Incarnation);

        // A snapshot older than the recipient's membership is useless to it (it ignores snapshots that do not
        // list it); like a real host, take a fresh one so the next attempt carries the current configuration.
        if (m.Snapshot is { } s && !s.Metadata.ConfState.Voters.Contains(m.To) && !s.Metadata.ConfState.Learners.Contains(m.To)
            && !s.Metadata.ConfState.VotersOutgoing.Contains(m.To)) _staleSnapshotGroups.Add(group);
    }

    /// <summary>The transport tells the sender of a snapshot whether it arrived (only this incarnation's sends).</summary>
    public void ReportSnapshot(ulong group, ulong peer, bool succeeded, int incarnation)
    {
        if (!Up || incarnation != Incarnation || !Replicas.TryGetValue(group, out var replica)) return;
        replica.Raw.ReportSnapshot(peer, succeeded);
    }
}
