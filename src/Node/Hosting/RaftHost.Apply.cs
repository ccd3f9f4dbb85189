// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

public sealed partial class RaftHost
{
    private void ApplyCommitted(GroupReplica replica, IReadOnlyList<Entry> entries)
    {
        var stateMachine = replica.StateMachine;
        foreach (var entry in entries)
        {
            // Entries a restored snapshot already covers are not applied twice.
            if (entry.Index <= stateMachine.AppliedIndex) continue;
            Observer?.Applying(replica, entry);
            replica.BytesSinceSnapshot += entry.SizeBytes;
            var result = CommandResult.None;
            switch (entry.Type)
            {
                case EntryType.Normal:
                    result = stateMachine.Apply(entry.Index, entry.Data);
                    break;
                case EntryType.ConfChange:
                    replica.ConfState = replica.Node.ApplyConfChange(ConfChangeCodec.Decode(entry.Data.Span));
                    replica.ConfIndex = entry.Index;
                    stateMachine.Skip(entry.Index);
                    break;
                default:
                    stateMachine.Skip(entry.Index);
                    break;
            }
            Observer?.Applied(replica, entry, result);
            if (replica.Proposals.Remove(entry.Index, out var proposal))
            {
                // Same index, other term: another leader's entry replaced ours, which can then never commit.
                proposal.Completion.TrySetResult(proposal.Term == entry.Term ? new ProposalOutcome(ProposalStatus.Applied, result) : ProposalOutcome.NotApplied);
            }
        }
    }

    private void ReleaseReads(GroupReplica replica)
    {
        var applied = replica.StateMachine.AppliedIndex;
        if (replica.ReadsAwaitingApply.Count == 0) return;
        replica.ReadsAwaitingApply.RemoveAll(read =>
        {
            if (read.Index > applied) return false;
            read.Batch.Complete(true);
            return true;
        });
    }

    private void InstallSnapshot(GroupReplica replica, Snapshot snapshot)
    {
        var started = _time.GetTimestamp(); // the host's clock: simulated time under the simulation
        // The log keeps the metadata only: the bytes are in the snapshot file, read again when a follower needs them.
        replica.Log.ApplySnapshot(snapshot with { Data = ReadOnlyMemory<byte>.Empty });
        // Decoded off the loop while its file was written (RaftHost.SnapshotInstall.cs): only the swap is left.
        var restore = replica.PreparedRestore ?? throw new InvalidOperationException($"group {replica.GroupId}: snapshot at {snapshot.Metadata.Index} installed without being prepared");
        replica.PreparedRestore = null;
        restore();
        replica.SnapshotIndex = snapshot.Metadata.Index;
        replica.SnapshotsInstalled++;
        replica.ConfState = snapshot.Metadata.ConfState;
        replica.ConfIndex = snapshot.Metadata.Index;
        Observer?.SnapshotInstalled(replica, snapshot);
        // Proposals the snapshot jumped over may or may not be inside it: their fate is unknown here.
        foreach (var index in replica.Proposals.Keys.Where(i => i <= snapshot.Metadata.Index).ToArray())
        {
            replica.Proposals.Remove(index, out var proposal);
            proposal.Completion.TrySetResult(ProposalOutcome.MayHaveApplied);
        }
        Instruments.SnapshotInstalled(replica.GroupId, snapshot.Data.Length, _time.GetElapsedTime(started));
        LogSnapshotInstalled(_logger, NodeId, replica.GroupId, snapshot.Metadata.Index);
    }

    /// <summary>
    /// Snapshots a group once enough entries were applied since the last one. The state is captured on the loop
    /// (a consistent copy), written to disk in the background, and only then recorded in the WAL and used to
    /// compact the log, keeping some entries so slightly lagging followers still catch up from the log.
    /// </summary>
    private void MaybeSnapshot(GroupReplica replica, bool force = false)
    {
        var applied = replica.StateMachine.AppliedIndex;
        // While a Ready is being persisted its committed entries may be applied already, but the log view still
        // holds what they replace: the term at the applied index could be an overwritten entry's.
        if (replica.SnapshotInProgress || replica.PersistsInFlight > 0 || applied <= replica.SnapshotIndex) return;
        if (!force && applied - replica.SnapshotIndex < (ulong)_options.SnapshotEntries && replica.BytesSinceSnapshot < _options.SnapshotLogBytes) return;
        if (!replica.Log.TryGetTerm(applied, out var term)) return;
        var metadata = new SnapshotMetadata(applied, term, replica.ConfState);
        var write = replica.StateMachine.CaptureSnapshot();
        replica.SnapshotInProgress = true;
        replica.BytesSinceSnapshot = 0;
        var groupId = replica.GroupId;
        SnapshotExecutor(() =>
        {
            try
            {
                var started = _time.GetTimestamp(); // the host's clock: simulated time under the simulation
                var bytes = _wal.WriteSnapshot(groupId, metadata, write);
                Instruments.SnapshotSaved(groupId, bytes, _time.GetElapsedTime(started));
            }
            catch (Exception e)
            {
                Post(() => throw new InvalidOperationException($"writing the snapshot of group {groupId} at {applied} failed", e));
                return;
            }
            Post(() => CompleteSnapshot(groupId, metadata));
        });
    }

    private void CompleteSnapshot(ulong groupId, SnapshotMetadata metadata)
    {
        if (!_groups.TryGetValue(groupId, out var replica)) return;
        replica.SnapshotInProgress = false;
        // A snapshot installed from the leader meanwhile may already be newer.
        if (metadata.Index <= replica.SnapshotIndex) return;
        _wal.StageSnapshot(groupId, metadata);
        replica.Log.CreateSnapshot(metadata.Index, metadata.ConfState, ReadOnlyMemory<byte>.Empty);
        var compactTo = CatchUpTailStart(replica.Log, metadata.Index);
        if (compactTo >= replica.Log.FirstIndex)
        {
            _wal.StageCompact(groupId, compactTo);
            replica.Log.Compact(compactTo);
        }
        replica.SnapshotIndex = metadata.Index;
        _stagedSinceSync = true;
        // Only an observer (the simulation's oracle) reads the bytes back: the node itself keeps none.
        Observer?.SnapshotTaken(replica, metadata, ReadSnapshot(groupId, metadata.Index).ToArray());
        LogSnapshotTaken(_logger, NodeId, groupId, metadata.Index);
    }

    // The entries kept behind a snapshot for slightly lagging followers: at most SnapshotCatchUpEntries of them and at
    // most SnapshotCatchUpBytes, so with large values the tail cannot hold megabytes per group whatever the data size.
    private ulong CatchUpTailStart(MemoryRaftLog log, ulong index)
    {
        var byCount = index > (ulong)_options.SnapshotCatchUpEntries ? index - (ulong)_options.SnapshotCatchUpEntries : 0;
        return Math.Max(byCount, log.TailStart(index, _options.SnapshotCatchUpBytes));
    }

    /// <summary>Snapshots every group on this node now (admin: POST /admin/snapshot).</summary>
    public Task<int> ForceSnapshotsAsync() => InvokeAsync(() =>
    {
        var started = 0;
        foreach (var replica in _groups.Values)
        {
            var before = replica.SnapshotInProgress;
            MaybeSnapshot(replica, force: true);
            if (!before && replica.SnapshotInProgress) started++;
        }
        return started;
    });

    [LoggerMessage(EventId = 75210, Level = LogLevel.Information, Message = "Node {Node} group {Group}: installed snapshot at {Index}")]
    private static partial void LogSnapshotInstalled(ILogger logger, ulong node, ulong group, ulong index);

    [LoggerMessage(EventId = 75211, Level = LogLevel.Information, Message = "Node {Node} group {Group}: snapshot at {Index}")]
    private static partial void LogSnapshotTaken(ILogger logger, ulong node, ulong group, ulong index);
}
