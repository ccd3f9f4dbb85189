// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// Entries (and at most one snapshot) the core has accepted but the host has not yet persisted.
/// <c>_offset</c> is the index of the first unstable entry; entries below <c>_offsetInProgress</c>
/// were handed out in a Ready and are being written; they stay here until the host acknowledges them.
/// </summary>
internal sealed class Unstable
{
    private readonly List<Entry> _entries = [];

    public Unstable(ulong offset)
    {
        Offset = offset;
        OffsetInProgress = offset;
    }

    public Snapshot? Snapshot { get; private set; }

    public bool SnapshotInProgress { get; private set; }

    public ulong Offset { get; private set; }

    public ulong OffsetInProgress { get; private set; }

    public int Count => _entries.Count;

    public ulong? MaybeFirstIndex() => Snapshot is null ? null : Snapshot.Metadata.Index + 1;

    public ulong? MaybeLastIndex()
    {
        if (_entries.Count > 0) return Offset + (ulong)_entries.Count - 1;
        return Snapshot?.Metadata.Index;
    }

    public bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index < Offset)
        {
            if (Snapshot is null || Snapshot.Metadata.Index != index) return false;
            term = Snapshot.Metadata.Term;
            return true;
        }

        var last = MaybeLastIndex();
        if (last is null || index > last.Value) return false;
        if (_entries.Count == 0) return false;
        term = _entries[(int)(index - Offset)].Term;
        return true;
    }

    /// <summary>Entries not yet handed to the host.</summary>
    public List<Entry> NextEntries()
    {
        var inProgress = (int)(OffsetInProgress - Offset);
        return _entries.Count == inProgress ? [] : _entries.GetRange(inProgress, _entries.Count - inProgress);
    }

    public Snapshot? NextSnapshot() => Snapshot is not null && !SnapshotInProgress ? Snapshot : null;

    /// <summary>Marks everything currently unstable as handed out (being written).</summary>
    public void AcceptInProgress()
    {
        if (_entries.Count > 0) OffsetInProgress = Offset + (ulong)_entries.Count;
        if (Snapshot is not null) SnapshotInProgress = true;
    }

    /// <summary>
    /// The host persisted entries up to (index, term). Ignored when the entry at index now has another
    /// term: a newer leader overwrote it after the Ready was taken (pitfall 13, the async-storage ABA race).
    /// </summary>
    public bool StableTo(ulong index, ulong term)
    {
        if (!TryTerm(index, out var gt) || index < Offset || gt != term) return false;
        var count = (int)(index + 1 - Offset);
        _entries.RemoveRange(0, count);
        Offset = index + 1;
        OffsetInProgress = Math.Max(OffsetInProgress, Offset);
        return true;
    }

    public void StableSnapTo(ulong index)
    {
        if (Snapshot is not null && Snapshot.Metadata.Index == index)
        {
            Snapshot = null;
            SnapshotInProgress = false;
        }
    }

    public void Restore(Snapshot snapshot)
    {
        Offset = snapshot.Metadata.Index + 1;
        OffsetInProgress = Offset;
        _entries.Clear();
        Snapshot = snapshot;
        SnapshotInProgress = false;
    }

    /// <summary>Appends, replacing every entry at or after the first new entry's index.</summary>
    public void TruncateAndAppend(IReadOnlyList<Entry> entries)
    {
        var from = entries[0].Index;
        var end = Offset + (ulong)_entries.Count;
        if (from == end)
        {
            _entries.AddRange(entries);
            return;
        }

        if (from <= Offset)
        {
            // The log is replaced from 'from' on; the host overwrites its suffix when it persists these.
            _entries.Clear();
            _entries.AddRange(entries);
            Offset = from;
            OffsetInProgress = Offset;
            return;
        }

        _entries.RemoveRange((int)(from - Offset), (int)(end - from));
        _entries.AddRange(entries);
        OffsetInProgress = Math.Min(OffsetInProgress, from);
    }

    /// <summary>Entries in [low, high); both must lie within the unstable range.</summary>
    public IEnumerable<Entry> Slice(ulong low, ulong high)
    {
        for (var i = low; i < high; i++) yield return _entries[(int)(i - Offset)];
    }
}
