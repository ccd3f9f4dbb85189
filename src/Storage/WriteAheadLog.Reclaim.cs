// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Deletes sealed segments no group needs any more. When more than <see cref="WalOptions.MaxSealedSegments"/>
    /// remain, the groups pinning the oldest ones (a lagging group that does not compact, an idle group whose hard
    /// state is old) are carried forward: their whole state is rewritten into the active segment as a checkpoint,
    /// synced, and only then are the old segments deleted. Caller holds the sync lock.
    /// </summary>
    private void ReclaimSegments()
    {
        DeleteUnneededSegments();
        var excess = _segments.Count - 1 - _options.MaxSealedSegments;
        if (excess <= 0) return;
        var cutoffLsn = _segments[excess - 1].LastLsn + 1;
        bool taken;
        SyncedBatch synced;
        ulong sequence;
        lock (_stageLock)
        {
            foreach (var group in _groups.Values.OrderBy(g => g.GroupId))
            {
                if (group.OldestNeededLsn < cutoffLsn) StageCheckpoint(group);
            }

            // Taken for writing under the same lock: checkpoints are exempt from MaxStagedBytes, and a host staging in
            // between would find them counted against its own batch (a node with long logs then stopped).
            taken = TakeStaged(out synced, out sequence);
        }

        CheckpointsTaken?.Invoke();
        if (taken) WriteTaken(sequence);
        DeleteSnapshotFiles(synced);
        DeleteUnneededSegments();
    }

    /// <summary>Test seam: runs once carried-forward records are taken for writing, where other threads may stage again.</summary>
    internal Action? CheckpointsTaken { get; set; }

    private void DeleteUnneededSegments()
    {
        ulong oldestNeeded;
        lock (_stageLock) oldestNeeded = _groups.Values.Select(g => g.OldestNeededLsn).DefaultIfEmpty(ulong.MaxValue).Min();

        // Oldest first, one directory sync each: a crash can only ever leave a contiguous run of segments.
        while (_segments.Count > 1 && (_segments[0].LastLsn == 0 || _segments[0].LastLsn < oldestNeeded))
        {
            try
            {
                _disk.Delete(_segments[0].Path);
                _disk.SyncDirectory(WalDirectory);
            }
            catch (Exception e)
            {
                throw Fail("segment delete", e);
            }

            _segments.RemoveAt(0);
        }
    }

    /// <summary>
    /// Restates a group completely: begin (compaction point), live entries, snapshot, hard state, end. All carry
    /// the checkpoint flag; replay builds them aside and swaps them in only at the end record, so a torn
    /// checkpoint leaves the older records in charge. Staged atomically under the stage lock.
    /// </summary>
    private void StageCheckpoint(GroupLog group)
    {
        _stagingCheckpoint = true;
        try
        {
            StageCheckpointRecords(group);
        }
        finally
        {
            _stagingCheckpoint = false;
        }
    }

    private void StageCheckpointRecords(GroupLog group)
    {
        var entries = group.Entries.ToArray();
        var snapshot = group.Snapshot;
        var hardState = group.HardState;
        var (index, term) = (group.CompactedIndex, group.CompactedTerm);
        var lsn = StageFixed(RecordType.CheckpointBegin, group.GroupId, 16, b => RecordPayloads.WritePair(b, index, term), RecordFormat.CheckpointFlag);
        group.ResetBase(index, term, lsn);
        if (entries.Length > 0) StageEntryRecords(group, entries, RecordFormat.CheckpointFlag);
        if (!snapshot.IsEmpty) StageSnapshotRecord(group, snapshot, RecordFormat.CheckpointFlag);
        if (!hardState.IsEmpty)
        {
            lsn = StageFixed(RecordType.HardState, group.GroupId, 24, b => RecordPayloads.WriteHardState(b, hardState), RecordFormat.CheckpointFlag);
            group.ApplyHardState(hardState, lsn);
        }

        StageFixed(RecordType.CheckpointEnd, group.GroupId, 0, _ => { }, RecordFormat.CheckpointFlag);
    }
}
