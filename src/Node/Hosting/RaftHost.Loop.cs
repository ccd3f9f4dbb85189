// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

public sealed partial class RaftHost
{
    /// <summary>
    /// One iteration of the host: runs up to <see cref="HostOptions.MaxWorkPerIteration"/> queued work items (peer
    /// messages, proposals, reads, ticks, snapshot completions), then does the Ready contract for every group with
    /// a Ready. Returns the number of work items run. Not thread-safe: one caller at a time, and never while the
    /// loop task of <see cref="StartAsync"/> runs. An exception means the node can no longer vouch for its state:
    /// the loop stops the process, a simulation treats it as a failure.
    /// </summary>
    public int RunOnce()
    {
        var reader = _inbox.Reader;
        var n = 0;
        while (n < _options.MaxWorkPerIteration && reader.TryRead(out var work))
        {
            work();
            n++;
        }
        IssueReadBatches();
        ProcessReadies();
        return n;
    }

    /// <summary>True when work is queued for the next <see cref="RunOnce"/>.</summary>
    public bool HasWork => _inbox.Reader.TryPeek(out _);

    private void ProcessReadies()
    {
        var readies = new List<(GroupReplica Replica, Ready Ready)>();
        foreach (var replica in _groups.Values)
        {
            if (!replica.Node.HasReady()) continue;
            var ready = replica.Node.TakeReady();
            Observer?.ReadyTaken(replica, ready);
            readies.Add((replica, ready));
        }
        if (readies.Count == 0)
        {
            SyncIfStaged();
            return;
        }

        // 1. Messages that are safe before persistence (a leader's appends overlap its own fsync).
        foreach (var (replica, ready) in readies) Route(replica, ready.Messages);
        FlushOutbox();

        // 2. One WAL batch and one fsync for every group (group commit).
        foreach (var (replica, ready) in readies) Stage(replica, ready);
        SyncIfStaged();

        // 3. Durable now: the log view learns the entries, and acknowledgements may leave.
        foreach (var (replica, ready) in readies)
        {
            if (ready.Snapshot is { } snapshot) InstallSnapshot(replica, snapshot);
            replica.Log.Append(ready.Entries);
            if (ready.HardState is { } hardState) replica.Log.SetHardState(hardState);
            Observer?.Persisted(replica, ready);
            Route(replica, ready.MessagesAfterPersist);
        }
        FlushOutbox();

        // 4. Apply, answer, advance.
        foreach (var (replica, ready) in readies)
        {
            if (ready.SoftState is { } soft) OnSoftState(replica, soft);
            ApplyCommitted(replica, ready.CommittedEntries);
            Instruments.Applied(replica.GroupId, ready.CommittedEntries.Count);
            foreach (var read in ready.ReadStates)
            {
                if (replica.ReadRequests.Remove(read.RequestId, out var waiting)) replica.ReadsAwaitingApply.Add((read.Index, waiting));
            }
            ReleaseReads(replica);
            replica.Node.Advance(ready);
            Observer?.Advanced(replica);
            MaybeSnapshot(replica);
            if (ready.CommittedEntries.Count > 0) Applied?.Invoke(replica.GroupId);
        }
        FlushOutbox();
    }

    private void Stage(GroupReplica replica, Ready ready)
    {
        var group = replica.GroupId;
        if (ready.Snapshot is { } snapshot)
        {
            // The data file is durable before the WAL record that points at it.
            using (var data = new MemoryStream(snapshot.Data.ToArray(), writable: false)) _wal.WriteSnapshot(group, snapshot.Metadata, data);
            _wal.StageSnapshot(group, snapshot.Metadata);
            _stagedSinceSync = true;
        }
        if (ready.Entries.Count > 0)
        {
            _wal.StageEntries(group, ready.Entries);
            _stagedSinceSync = true;
        }
        if (ready.HardState is { } hardState)
        {
            _wal.StageHardState(group, hardState);
            _stagedSinceSync = true;
        }
    }

    private void SyncIfStaged()
    {
        if (!_stagedSinceSync) return;
        _wal.Sync();
        _stagedSinceSync = false;
    }

    private void Route(GroupReplica replica, IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            if (message.To == NodeId)
            {
                replica.Node.Step(message);
                continue;
            }
            if (message.Type == MessageType.Snapshot)
            {
                SendSnapshot(replica, message);
                continue;
            }
            if (!_outbox.TryGetValue(message.To, out var batch)) _outbox[message.To] = batch = [];
            batch.Add(new GroupMessage(replica.GroupId, message));
        }
    }

    // One frame per destination per step: heartbeats and appends of all groups to a node travel together.
    private void FlushOutbox()
    {
        foreach (var (node, batch) in _outbox)
        {
            if (batch.Count == 0) continue;
            var sent = _transport.Send(node, batch);
            foreach (var (groupId, message) in batch)
            {
                if (!_groups.TryGetValue(groupId, out var replica)) continue;
                if (!sent) replica.Node.ReportUnreachable(node);
            }
            batch.Clear();
        }
    }

    private static bool IsMember(ConfState conf, ulong node) =>
        conf.Voters.Contains(node) || conf.VotersOutgoing.Contains(node) || conf.Learners.Contains(node);

    private void OnSoftState(GroupReplica replica, SoftState soft)
    {
        var wasLeader = replica.Role == RaftRole.Leader;
        var leaderChanged = replica.Leader != soft.Leader;
        replica.Publish(soft);
        if ((wasLeader && soft.Role != RaftRole.Leader) || leaderChanged)
        {
            // Reads being confirmed by the old leader may never be answered now; their callers route again.
            foreach (var waiting in replica.ReadRequests.Values) waiting.Complete(false);
            replica.ReadRequests.Clear();
        }
        LogRole(_logger, NodeId, replica.GroupId, soft.Role, soft.Leader);
    }

    [LoggerMessage(EventId = 75201, Level = LogLevel.Information, Message = "Node {Node} group {Group}: {Role}, leader {Leader}")]
    private static partial void LogRole(ILogger logger, ulong node, ulong group, RaftRole role, ulong leader);
}
