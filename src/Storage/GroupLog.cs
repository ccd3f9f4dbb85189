// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Storage;

/// <summary>
/// The WAL's in-memory index of one group: its state after every record applied so far, and the lsn of each
/// record that state still depends on (so segments whose records nobody needs can be deleted). The same
/// <c>Apply…</c> methods run when staging and when replaying, so recovery rebuilds exactly what was staged.
/// </summary>
internal sealed partial class GroupLog(ulong groupId)
{
    private readonly List<Entry> _entries = [];
    private readonly List<ulong> _entryLsns = [];

    public ulong GroupId { get; } = groupId;
    public HardState HardState { get; private set; }
    public ulong HardStateLsn { get; private set; }
    public SnapshotMetadata Snapshot { get; private set; } = SnapshotMetadata.Empty;
    public ulong SnapshotLsn { get; private set; }
    public ulong CompactedIndex { get; private set; }
    public ulong CompactedTerm { get; private set; }
    public ulong CompactLsn { get; private set; }

    /// <summary>
    /// False while replay has seen entries whose predecessors lived in a deleted segment and no record has yet
    /// re-established the compaction point. Still false at the end of replay means a needed record is missing.
    /// </summary>
    public bool BaseKnown { get; private set; } = true;

    public ulong LastIndex => CompactedIndex + (ulong)_entries.Count;

    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>The lsn of the oldest record this group's state still depends on (ulong.MaxValue: none).</summary>
    public ulong OldestNeededLsn
    {
        get
        {
            var oldest = ulong.MaxValue;
            if (!HardState.IsEmpty) oldest = Math.Min(oldest, HardStateLsn);
            if (!Snapshot.IsEmpty) oldest = Math.Min(oldest, SnapshotLsn);
            if (CompactLsn > 0) oldest = Math.Min(oldest, CompactLsn);
            if (_entryLsns.Count > 0) oldest = Math.Min(oldest, _entryLsns[0]);
            return oldest;
        }
    }

    public bool TryGetTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index == CompactedIndex && BaseKnown)
        {
            term = CompactedTerm;
            return true;
        }

        if (index <= CompactedIndex || index > LastIndex) return false;
        term = _entries[(int)(index - CompactedIndex - 1)].Term;
        return true;
    }

    public GroupState ToState() => new(GroupId, HardState, Snapshot, CompactedIndex, CompactedTerm, _entries.ToArray());

    public void ApplyHardState(HardState state, ulong lsn)
    {
        HardState = state;
        HardStateLsn = lsn;
    }

    /// <summary>Replaces the log from <c>entries[0].Index</c> on. Lenient (replay only): a gap restarts the log there.</summary>
    public void ApplyEntries(IReadOnlyList<Entry> entries, ulong lsn)
    {
        var first = entries[0].Index;
        if (first <= CompactedIndex || first > LastIndex + 1)
        {
            // Only reachable in replay after older segments were deleted: the predecessors are gone, and a later
            // Compact, Snapshot or CheckpointBegin record must re-establish the base (checked after replay).
            ResetBase(first - 1, 0, lsn);
            BaseKnown = first == 1; // index 0 has term 0 by definition
        }

        var keep = (int)(first - CompactedIndex - 1);
        _entries.RemoveRange(keep, _entries.Count - keep);
        _entryLsns.RemoveRange(keep, _entryLsns.Count - keep);
        foreach (var entry in entries)
        {
            _entries.Add(entry);
            _entryLsns.Add(lsn);
        }
    }

    /// <summary>True when the log contains (index, term): a snapshot there keeps the log (pitfall 11).</summary>
    public bool Matches(SnapshotMetadata metadata) => TryGetTerm(metadata.Index, out var term) && term == metadata.Term;

    /// <summary>
    /// A durable snapshot. <paramref name="logKept"/> was decided when staging (<see cref="Matches"/>) and is stored
    /// in the record, so replay does the same even when the entries it compared against are in deleted segments.
    /// </summary>
    public void ApplySnapshot(SnapshotMetadata metadata, bool logKept, ulong lsn)
    {
        if (!logKept || metadata.Index > LastIndex) ResetBase(metadata.Index, metadata.Term, lsn);
        else if (metadata.Index == CompactedIndex && !BaseKnown) (CompactedTerm, BaseKnown) = (metadata.Term, true);
        Snapshot = metadata;
        SnapshotLsn = lsn;
    }

    public void ApplyCompact(ulong index, ulong term, ulong lsn)
    {
        // Below the base there is nothing to drop; with an unknown base (replay) it stays unknown.
        if (index < CompactedIndex || (index == CompactedIndex && BaseKnown)) return;
        if (index > LastIndex)
        {
            ResetBase(index, term, lsn);
            return;
        }

        var drop = (int)(index - CompactedIndex);
        _entries.RemoveRange(0, drop);
        _entryLsns.RemoveRange(0, drop);
        CompactedIndex = index;
        CompactedTerm = term;
        CompactLsn = lsn;
        BaseKnown = true;
    }

    /// <summary>Discards the whole log; it restarts after (index, term).</summary>
    public void ResetBase(ulong index, ulong term, ulong lsn)
    {
        _entries.Clear();
        _entryLsns.Clear();
        CompactedIndex = index;
        CompactedTerm = term;
        CompactLsn = lsn;
        BaseKnown = true;
    }
}
