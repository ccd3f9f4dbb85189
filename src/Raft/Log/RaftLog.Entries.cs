// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class RaftLog
{
    /// <summary>
    /// Follower side of AppendEntries (Raft §5.3). Returns false when the log does not contain
    /// (index, logTerm). Otherwise truncates only at the first entry whose term differs, so duplicated
    /// or reordered appends are idempotent (pitfall 10), and never at or below the commit index.
    /// </summary>
    public bool MaybeAppend(ulong index, ulong logTerm, ulong leaderCommit, IReadOnlyList<Entry> entries, bool truncateAtAppendPoint, out ulong lastNewIndex)
    {
        lastNewIndex = 0;
        if (!MatchTerm(index, logTerm)) return false;
        lastNewIndex = index + (ulong)entries.Count;
        if (truncateAtAppendPoint)
        {
            // Planted bug: rewrite from the append point even when every entry already matches.
            if (entries.Count > 0) AppendUnchecked(entries);
        }
        else
        {
            var conflict = FindConflict(entries);
            if (conflict != 0)
            {
                if (conflict <= Committed)
                    throw new RaftInvariantException($"{_who}: entry {conflict} conflicts with committed entry (committed {Committed})");
                Append(Tail(entries, (int)(conflict - (index + 1))));
            }
        }

        CommitTo(Math.Min(leaderCommit, lastNewIndex));
        return true;
    }

    private static List<Entry> Tail(IReadOnlyList<Entry> entries, int from)
    {
        var tail = new List<Entry>(entries.Count - from);
        for (var i = from; i < entries.Count; i++) tail.Add(entries[i]);
        return tail;
    }

    /// <summary>Appends (overwriting any suffix from the first entry's index); never below the commit index.</summary>
    public ulong Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return LastIndex;
        var after = entries[0].Index - 1;
        if (after < Committed)
            throw new RaftInvariantException($"{_who}: appending after {after} would truncate committed entries (committed {Committed})");
        Unstable.TruncateAndAppend(entries);
        return LastIndex;
    }

    private void AppendUnchecked(IReadOnlyList<Entry> entries)
    {
        Unstable.TruncateAndAppend(entries);
        if (Committed > LastIndex) Committed = LastIndex;
    }

    /// <summary>Index of the first entry whose (index, term) is not in the log, or 0 if all are.</summary>
    public ulong FindConflict(IReadOnlyList<Entry> entries)
    {
        foreach (var e in entries)
        {
            if (!MatchTerm(e.Index, e.Term)) return e.Index;
        }

        return 0;
    }

    /// <summary>
    /// Fast backtracking: the largest index ≤ <paramref name="index"/> whose term is ≤ <paramref name="term"/>,
    /// with that term. Entries above it cannot match an entry of <paramref name="term"/> at the same index.
    /// </summary>
    public (ulong Index, ulong Term) FindConflictByTerm(ulong index, ulong term)
    {
        for (; index > 0; index--)
        {
            if (!TryTerm(index, out var t)) return (index, 0);
            if (t <= term) return (index, t);
        }

        return (0, 0);
    }

    /// <summary>Entries from <paramref name="low"/> to the end, at most <paramref name="maxBytes"/> (one entry at least). Null when compacted.</summary>
    public List<Entry>? EntriesFrom(ulong low, long maxBytes)
    {
        if (low > LastIndex) return [];
        return Slice(low, LastIndex + 1, maxBytes);
    }

    /// <summary>Entries in [low, high) limited to <paramref name="maxBytes"/> (one entry at least); null when low is compacted.</summary>
    public List<Entry>? Slice(ulong low, ulong high, long maxBytes)
    {
        if (low >= high) return [];
        if (low < FirstIndex) return null;
        if (high > LastIndex + 1)
            throw new RaftInvariantException($"{_who}: slice [{low}, {high}) beyond last index {LastIndex}");

        var result = new List<Entry>();
        long size = 0;
        if (low < Unstable.Offset)
        {
            var storedHigh = Math.Min(high, Unstable.Offset);
            var stored = _storage.Entries(low, storedHigh, maxBytes);
            foreach (var e in stored)
            {
                size += e.SizeBytes;
                result.Add(e);
            }

            if ((ulong)result.Count < storedHigh - low || size >= maxBytes) return result;
        }

        if (high > Unstable.Offset)
        {
            foreach (var e in Unstable.Slice(Math.Max(low, Unstable.Offset), high))
            {
                if (result.Count > 0 && size + e.SizeBytes > maxBytes) break;
                size += e.SizeBytes;
                result.Add(e);
            }
        }

        return result;
    }

    public List<Entry> NextUnstableEntries() => Unstable.NextEntries();

    public bool HasNextUnstableEntries => Unstable.OffsetInProgress < Unstable.Offset + (ulong)Unstable.Count;

    /// <summary>Committed entries not yet handed out for applying, none while a snapshot is being installed.</summary>
    public List<Entry> NextCommittedEntries(long maxBytes)
    {
        if (HasNextOrInProgressSnapshot) return [];
        var low = Math.Max(Applying + 1, FirstIndex);
        var high = Committed + 1;
        if (low >= high) return [];
        return Slice(low, high, maxBytes) ?? throw new RaftInvariantException($"{_who}: committed entries from {low} are compacted");
    }

    public bool HasNextCommittedEntries => !HasNextOrInProgressSnapshot && Committed > Math.Max(Applying, FirstIndex - 1);

    /// <summary>True when a configuration change is committed but not applied (etcd hup guard; pitfall 7).</summary>
    public bool HasUnappliedConfChange()
    {
        if (Applied >= Committed) return false;
        var low = Math.Max(Applied + 1, FirstIndex);
        var entries = Slice(low, Committed + 1, long.MaxValue);
        if (entries is null) return false;
        foreach (var e in entries)
        {
            if (e.Type == EntryType.ConfChange) return true;
        }

        return false;
    }
}
