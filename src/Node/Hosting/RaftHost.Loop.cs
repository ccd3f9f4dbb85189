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
        MaybeDenseTicks();
        return n;
    }

    /// <summary>True when work is queued for the next <see cref="RunOnce"/>.</summary>
    public bool HasWork => _inbox.Reader.TryPeek(out _);

    /// <summary>
    /// Takes every group's Ready and does what needs no durability at once: sends the messages that may leave early
    /// (a leader's appends overlap its own fsync), stages the persistent part into the WAL, and applies the committed
    /// entries and answers their proposals and reads (committed means durable on a majority already; a leader counts
    /// itself only once its own copy is durable). What waits for the fsync (acknowledgements, votes, the log view,
    /// <see cref="RawNode.Advance"/>) is parked with the batch; the fsync runs on <see cref="SyncExecutor"/> and
    /// the loop keeps stepping, sending and receiving meanwhile (see RaftHost.Pipeline.cs).
    /// </summary>
    private void ProcessReadies()
    {
        var readies = new List<(GroupReplica Replica, Ready Ready)>();
        foreach (var replica in _groups.Values)
        {
            if (replica.ProposalCounts is { Accepted: > 0 } or { Dropped: > 0 })
            {
                Instruments.Proposed(replica.GroupId, replica.ProposalCounts.Accepted, replica.ProposalCounts.Dropped);
                replica.ProposalCounts = default;
            }
            if (!replica.Node.HasReady()) continue;
            var ready = replica.Node.TakeReady();
            Observer?.ReadyTaken(replica, ready);
            readies.Add((replica, ready));
        }

        // 1. Messages that are safe before persistence.
        foreach (var (replica, ready) in readies) Route(replica, ready.Messages);
        FlushOutbox();

        // 2. Stage every group's records: they join the next WAL batch, one write and one fsync for all groups.
        var durableNow = new List<(GroupReplica Replica, Ready Ready)>();
        foreach (var (replica, ready) in readies)
        {
            if (ready.Snapshot is not null)
            {
                // Written, synced and decoded off the loop first; staged when that returns (RaftHost.SnapshotInstall.cs).
                replica.PersistsInFlight++;
                WriteReceivedSnapshot(replica, ready);
            }
            else if (Stage(replica, ready))
            {
                replica.PersistsInFlight++;
                _awaitingSync.Add((replica, ready));
            }
            else
            {
                durableNow.Add((replica, ready));
            }
        }

        // 3. Apply what is committed, unless a snapshot must be installed first (that waits for its sync).
        foreach (var (replica, ready) in readies)
        {
            if (ready.Snapshot is null) ApplyReady(replica, ready);
        }

        // 4. Readies that persist nothing finish now: nothing of this group is in flight (one Ready at a time).
        foreach (var (replica, ready) in durableNow) Persisted(replica, ready);
        FlushOutbox();
        foreach (var (replica, ready) in durableNow) Finish(replica, ready);
        FlushOutbox();
        StartSyncIfDue();
    }

    /// <summary>Step 3 of the contract for one Ready: role change, committed entries, confirmed reads.</summary>
    private void ApplyReady(GroupReplica replica, Ready ready)
    {
        if (ready.SoftState is { } soft) OnSoftState(replica, soft);
        ApplyCommitted(replica, ready.CommittedEntries);
        Instruments.Applied(replica.GroupId, ready.CommittedEntries.Count);
        foreach (var read in ready.ReadStates)
        {
            OnLeaseConfirmed(replica, read.RequestId);
            if (replica.ReadRequests.TryRemove(read.RequestId, out var waiting)) replica.ReadsAwaitingApply.Add((read.Index, waiting));
        }
        ReleaseReads(replica);
        if (ready.CommittedEntries.Count > 0) Applied?.Invoke(replica.GroupId);
    }

    /// <summary>The Ready's records are durable: the log view learns them and the messages that promised them leave.</summary>
    private void Persisted(GroupReplica replica, Ready ready)
    {
        if (ready.Snapshot is { } snapshot) InstallSnapshot(replica, snapshot);
        replica.Log.Append(ready.Entries);
        if (ready.HardState is { } hardState) replica.Log.SetHardState(hardState);
        Observer?.Persisted(replica, ready);
        Route(replica, ready.MessagesAfterPersist);
    }

    private void Finish(GroupReplica replica, Ready ready)
    {
        if (ready.Snapshot is not null) ApplyReady(replica, ready);
        replica.Node.Advance(ready);
        Observer?.Advanced(replica);
        MaybeSnapshot(replica);
    }

    /// <summary>Stages the Ready's snapshot record, entries and hard state; false when it has nothing to persist.</summary>
    private bool Stage(GroupReplica replica, Ready ready)
    {
        var group = replica.GroupId;
        var staged = false;
        if (ready.Snapshot is { } snapshot)
        {
            // Its data file is durable already (WriteReceivedSnapshot): the WAL record that points at it follows.
            _wal.StageSnapshot(group, snapshot.Metadata);
            staged = true;
        }
        if (ready.Entries.Count > 0)
        {
            _wal.StageEntries(group, ready.Entries);
            staged = true;
        }
        if (ready.HardState is { } hardState)
        {
            _wal.StageHardState(group, hardState);
            staged = true;
        }
        _stagedSinceSync |= staged;
        return staged;
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
        PublishLeaseReads();
        foreach (var (node, batch) in _outbox)
        {
            if (batch.Count == 0) continue;
            var sent = _transport.Send(node, batch);
            if (sent) NoteSent(node);
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
            AnswerUnconfirmed(replica);
        }
        LogRole(_logger, NodeId, replica.GroupId, soft.Role, soft.Leader);
    }

    [LoggerMessage(EventId = 75201, Level = LogLevel.Information, Message = "Node {Node} group {Group}: {Role}, leader {Leader}")]
    private static partial void LogRole(ILogger logger, ulong node, ulong group, RaftRole role, ulong leader);
}
