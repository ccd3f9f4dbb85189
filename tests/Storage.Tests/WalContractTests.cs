// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>
/// What every <see cref="IWriteAheadLog"/> must do, run against the in-memory twin and the file WAL alike
/// (one abstract suite, one subclass per medium), so the simulation tests the same behaviour production has.
/// </summary>
public abstract partial class WalContractTests
{
    protected abstract WalHarness CreateHarness(WalOptions options);

    protected WalHarness CreateHarness() => CreateHarness(WalOptions.ForTests);

    [Fact]
    public void Entries_hard_state_and_snapshot_survive_a_restart()
    {
        using var h = CreateHarness();
        WriteSnapshot(h.Wal, 7, Snapshot(3, 1), SnapshotData(5000, 1));
        h.Wal.StageEntries(7, Entries(4, 9, 2, group: 7));
        h.Wal.StageHardState(7, new HardState(2, 3, 6));
        h.Wal.Sync();

        var state = h.Restart()[7];

        Assert.Equal(new HardState(2, 3, 6), state.HardState);
        Assert.Equal(Snapshot(3, 1), state.Snapshot);
        Assert.Equal((3UL, 1UL), (state.CompactedIndex, state.CompactedTerm));
        Assert.Equal(Entries(4, 9, 2, group: 7).Select(e => e.Data.ToArray()), state.Entries.Select(e => e.Data.ToArray()));
        Assert.Equal(SnapshotData(5000, 1), ReadSnapshot(h.Wal, 7, 3));
    }

    [Fact]
    public void Entries_from_an_index_replace_the_suffix_and_the_replacement_survives_a_restart()
    {
        using var h = CreateHarness();
        h.Wal.StageEntries(1, Entries(1, 10, 1));
        h.Wal.StageHardState(1, new HardState(1, 1, 4));
        h.Wal.Sync();
        h.Wal.StageEntries(1, Entries(6, 7, 2));
        h.Wal.Sync();

        var state = h.Restart()[1];

        Assert.Equal([1UL, 2, 3, 4, 5, 6, 7], Indexes(state));
        Assert.Equal([1UL, 1, 1, 1, 1, 2, 2], Terms(state));
    }

    [Fact]
    public void A_snapshot_matching_the_log_keeps_its_entries_and_a_conflicting_one_discards_them()
    {
        using var h = CreateHarness();
        h.Wal.StageEntries(1, Entries(1, 10, 1));
        h.Wal.StageEntries(2, Entries(1, 10, 1, group: 2));
        h.Wal.StageHardState(1, new HardState(1, 1, 8));
        h.Wal.Sync();
        WriteSnapshot(h.Wal, 1, Snapshot(5, 1), [1]);
        WriteSnapshot(h.Wal, 2, Snapshot(12, 3), [2]);
        h.Wal.Sync();

        var recovered = h.Restart();

        Assert.Equal((0UL, 10UL), (recovered[1].CompactedIndex, recovered[1].LastIndex));
        Assert.Equal([6UL, 7, 8, 9, 10], recovered[1].EntriesAfterSnapshot.Select(e => e.Index));
        Assert.Equal((12UL, 3UL, 0), (recovered[2].CompactedIndex, recovered[2].CompactedTerm, recovered[2].Entries.Count));
    }

    [Fact]
    public void Compaction_drops_entries_up_to_its_index_and_remembers_that_index_term()
    {
        using var h = CreateHarness();
        h.Wal.StageEntries(1, Entries(1, 4, 1));
        h.Wal.StageEntries(1, Entries(5, 9, 2));
        h.Wal.StageHardState(1, new HardState(2, 1, 9));
        WriteSnapshot(h.Wal, 1, Snapshot(8, 2), [1]);
        h.Wal.StageCompact(1, 6);
        h.Wal.Sync();

        var state = h.Restart()[1];

        Assert.Equal((6UL, 2UL), (state.CompactedIndex, state.CompactedTerm));
        Assert.Equal([7UL, 8, 9], Indexes(state));
        Assert.Throws<InvalidOperationException>(() => h.Wal.StageCompact(1, 9));
    }

    [Fact]
    public void Truncating_committed_entries_is_refused_before_anything_is_staged()
    {
        using var h = CreateHarness();
        h.Wal.StageEntries(1, Entries(1, 5, 1));
        h.Wal.StageHardState(1, new HardState(1, 1, 4));

        Assert.Throws<InvalidOperationException>(() => h.Wal.StageEntries(1, Entries(4, 4, 2)));
        Assert.Throws<InvalidOperationException>(() => h.Wal.StageEntries(1, Entries(7, 7, 2)));
        h.Wal.Sync();
        Assert.Equal([1UL, 2, 3, 4, 5], Indexes(h.Restart()[1]));
    }

    [Fact]
    public void Each_stage_returns_the_sync_sequence_that_makes_it_durable()
    {
        using var h = CreateHarness();
        var first = h.Wal.StageEntries(1, Entries(1, 1, 1));
        var alsoFirst = h.Wal.StageHardState(2, new HardState(1, 0, 0));
        Assert.Equal(first, alsoFirst);
        Assert.True(h.Wal.DurableSequence < first);

        Assert.Equal(first, h.Wal.Sync());
        Assert.Equal(first, h.Wal.DurableSequence);
        Assert.Equal(first, h.Wal.Sync()); // nothing staged: no new sequence
        var second = h.Wal.StageEntries(1, Entries(2, 2, 1));
        Assert.True(second > first);
        Assert.Equal(second, h.Wal.Sync());
    }

    [Fact]
    public void Recovery_continues_the_log_so_a_second_restart_sees_old_and_new_records()
    {
        using var h = CreateHarness();
        h.Wal.StageEntries(1, Entries(1, 3, 1));
        h.Wal.Sync();
        h.Restart();
        h.Wal.StageEntries(1, Entries(4, 6, 1));
        h.Wal.StageHardState(1, new HardState(1, 1, 6));
        h.Wal.Sync();

        var state = h.Restart()[1];

        Assert.Equal([1UL, 2, 3, 4, 5, 6], Indexes(state));
        Assert.Equal(6UL, state.HardState.Commit);
    }

    [Fact]
    public void An_entry_larger_than_a_record_allows_is_rejected_with_its_limit()
    {
        using var h = CreateHarness();
        var huge = new Entry(1, 1, EntryType.Normal, new byte[WalOptions.ForTests.MaxRecordBytes]);

        var error = Assert.Throws<ArgumentException>(() => h.Wal.StageEntries(1, [huge]));

        Assert.Contains("limit", error.Message);
        Assert.Equal(0UL, h.Wal.GetGroup(1)?.LastIndex ?? 0);
    }
}
