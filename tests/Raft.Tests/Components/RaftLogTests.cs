// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Components;

public sealed class RaftLogTests
{
    private static Entry E(ulong index, ulong term) => new(index, term, EntryType.Normal, new byte[] { (byte)index });

    /// <summary>A log whose stable part holds terms [1, 1, 2, 2, 3] at indexes 1..5, committed through <paramref name="commit"/>.</summary>
    private static RaftLog NewLog(ulong commit = 0)
    {
        var storage = new MemoryRaftLog();
        storage.Append([E(1, 1), E(2, 1), E(3, 2), E(4, 2), E(5, 3)]);
        var log = new RaftLog(storage, 1);
        log.CommitTo(commit);
        return log;
    }

    // Raft §5.3
    [Fact]
    public void Find_conflict_returns_the_first_entry_whose_term_differs_or_is_new()
    {
        var log = NewLog();
        Assert.Equal(0UL, log.FindConflict([E(3, 2), E(4, 2)]));
        Assert.Equal(4UL, log.FindConflict([E(3, 2), E(4, 5)]));
        Assert.Equal(6UL, log.FindConflict([E(5, 3), E(6, 3)]));
    }

    // Raft §5.3, pitfall 10
    [Fact]
    public void Maybe_append_keeps_matching_entries_and_replaces_only_from_the_first_conflict()
    {
        var log = NewLog();
        Assert.False(log.MaybeAppend(5, 2, 0, [E(6, 3)], false, out _)); // (5, 2) is not in the log
        Assert.True(log.MaybeAppend(2, 1, 0, [E(3, 2)], false, out var last));
        Assert.Equal(3UL, last);
        Assert.Equal(5UL, log.LastIndex); // matching: nothing truncated
        Assert.True(log.MaybeAppend(3, 2, 4, [E(4, 4), E(5, 4), E(6, 4)], false, out last));
        Assert.Equal(6UL, last);
        Assert.Equal(4UL, log.TermOrZero(4));
        Assert.Equal(4UL, log.Committed); // min(leader commit, last new index)
    }

    // Raft §5.4, pitfall 10: fail fast rather than truncate a committed entry.
    [Fact]
    public void Maybe_append_refuses_to_truncate_at_or_below_the_commit_index()
    {
        var log = NewLog(commit: 4);
        var e = Assert.Throws<RaftInvariantException>(() => log.MaybeAppend(3, 2, 4, [E(4, 9)], false, out _));
        Assert.Contains("committed", e.Message, StringComparison.Ordinal);
        Assert.Throws<RaftInvariantException>(() => log.Append([E(3, 9)]));
    }

    [Fact]
    public void Commit_beyond_the_last_index_fails_fast()
    {
        var log = NewLog();
        Assert.Throws<RaftInvariantException>(() => log.CommitTo(6));
    }

    // Fast backtracking (etcd findConflictByTerm).
    [Fact]
    public void Find_conflict_by_term_returns_the_last_index_whose_term_is_at_most_the_given_term()
    {
        var log = NewLog();
        Assert.Equal((5UL, 3UL), log.FindConflictByTerm(5, 3));
        Assert.Equal((4UL, 2UL), log.FindConflictByTerm(5, 2));
        Assert.Equal((2UL, 1UL), log.FindConflictByTerm(5, 1));
        Assert.Equal((0UL, 0UL), log.FindConflictByTerm(5, 0));
    }

    // Raft §5.4.1
    [Fact]
    public void Up_to_date_compares_last_term_then_length()
    {
        var log = NewLog();
        Assert.True(log.IsUpToDate(1, 4));
        Assert.True(log.IsUpToDate(5, 3));
        Assert.False(log.IsUpToDate(4, 3));
        Assert.False(log.IsUpToDate(9, 2));
    }

    // Pitfall 13
    [Fact]
    public void Stable_to_ignores_an_acknowledgement_for_an_entry_that_was_replaced()
    {
        var log = NewLog();
        log.Append([E(6, 3), E(7, 3)]);
        var handedOut = log.NextUnstableEntries();
        log.Unstable.AcceptInProgress();
        log.Append([E(7, 4)]); // replaced after it was handed to the host
        log.StableTo(handedOut[^1].Index, handedOut[^1].Term);
        Assert.Equal(6UL, log.Unstable.Offset); // nothing became stable
        Assert.Equal([(7UL, 4UL)], log.NextUnstableEntries().Select(e => (e.Index, e.Term)));
    }

    [Fact]
    public void Slices_span_stable_and_unstable_entries_and_respect_the_byte_limit()
    {
        var log = NewLog();
        log.Append([E(6, 3), E(7, 3)]);
        Assert.Equal([3UL, 4, 5, 6, 7], log.Slice(3, 8, long.MaxValue)!.Select(e => e.Index));
        var oneEntry = Entry.EntryOverheadBytes + 1;
        Assert.Equal([3UL, 4], log.Slice(3, 8, 2 * oneEntry)!.Select(e => e.Index));
        Assert.Single(log.Slice(3, 8, 1)!); // at least one entry, however large
    }
}
