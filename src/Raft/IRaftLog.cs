// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// Stable storage as the core sees it: a synchronous, in-memory view of what the host has persisted.
/// The host appends entries, saves hard state and installs snapshots here after it persisted them;
/// the core only reads. Indexes are 1-based; index <c>FirstIndex - 1</c> is the last compacted entry
/// (or the snapshot), whose term is still known.
/// </summary>
public interface IRaftLog
{
    /// <summary>The persisted hard state and the membership as of the last snapshot or applied change.</summary>
    (HardState HardState, ConfState ConfState) InitialState();

    /// <summary>The first index still available as an entry (the snapshot index + 1).</summary>
    ulong FirstIndex { get; }

    /// <summary>The last index in the log (the snapshot index when the log is empty).</summary>
    ulong LastIndex { get; }

    /// <summary>Term of <paramref name="index"/>; false when it is compacted (below FirstIndex - 1) or beyond LastIndex.</summary>
    bool TryGetTerm(ulong index, out ulong term);

    /// <summary>
    /// Entries in [<paramref name="low"/>, <paramref name="high"/>), stopping once <paramref name="maxBytes"/>
    /// would be exceeded (at least one entry is returned). Requires FirstIndex ≤ low ≤ high ≤ LastIndex + 1.
    /// </summary>
    IReadOnlyList<Entry> Entries(ulong low, ulong high, long maxBytes);

    /// <summary>The latest snapshot, or null while one is being produced (the core retries later).</summary>
    Snapshot? Snapshot();
}
