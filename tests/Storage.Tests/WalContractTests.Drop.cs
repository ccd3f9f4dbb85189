// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>Dropping a group's replica (it moved to another node) and hosting the group again later.</summary>
public abstract partial class WalContractTests
{
    /// <summary>Group 7 with a snapshot, entries and a hard state; group 8 beside it, which a drop of 7 must not touch.</summary>
    private static void StageOldIncarnation(IWriteAheadLog wal)
    {
        wal.StageEntries(7, Entries(1, 20, 3, group: 7));
        wal.StageHardState(7, new HardState(3, 1, 15));
        WriteSnapshot(wal, 7, Snapshot(10, 3), SnapshotData(3000, 10));
        wal.StageEntries(8, Entries(1, 5, 1, group: 8));
        wal.StageHardState(8, new HardState(1, 2, 5));
        wal.Sync();
    }

    [Fact]
    public void A_dropped_group_is_gone_after_a_restart_and_its_snapshot_files_are_deleted()
    {
        using var h = CreateHarness();
        StageOldIncarnation(h.Wal);
        Assert.Contains("0000000000000007-000000000000000a.snap", h.SnapshotFiles);

        var sequence = h.Wal.StageDropGroup(7);
        Assert.Null(h.Wal.GetGroup(7));
        Assert.Contains("0000000000000007-000000000000000a.snap", h.SnapshotFiles); // not durable yet: the file stays
        Assert.Equal(sequence, h.Wal.Sync());

        Assert.DoesNotContain(h.SnapshotFiles, name => name.StartsWith("0000000000000007-", StringComparison.Ordinal));
        var recovered = h.Restart();
        Assert.False(recovered.ContainsKey(7));
        Assert.Equal([1UL, 2, 3, 4, 5], Indexes(recovered[8]));
        Assert.Equal(new HardState(1, 2, 5), recovered[8].HardState);
    }

    /// <summary>
    /// The new incarnation installs a snapshot at 4, below the old one's 10, then appends. Recovery must show
    /// exactly the new state: no old entries, hard state or snapshot; the old snapshot file is gone.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_re_created_group_recovers_only_its_new_incarnation(bool dropSyncedFirst)
    {
        using var h = CreateHarness();
        StageOldIncarnation(h.Wal);

        h.Wal.StageDropGroup(7);
        if (dropSyncedFirst) h.Wal.Sync();
        WriteSnapshot(h.Wal, 7, Snapshot(4, 5), SnapshotData(700, 4));
        h.Wal.StageEntries(7, Entries(5, 6, 5, group: 7));
        h.Wal.StageHardState(7, new HardState(5, 2, 5));
        h.Wal.Sync();

        Assert.Equal(["0000000000000007-0000000000000004.snap"], h.SnapshotFiles.Where(n => n.StartsWith("0000000000000007-", StringComparison.Ordinal)));
        var state = h.Restart()[7];
        Assert.Equal(new HardState(5, 2, 5), state.HardState);
        Assert.Equal(Snapshot(4, 5), state.Snapshot);
        Assert.Equal((4UL, 5UL), (state.CompactedIndex, state.CompactedTerm));
        Assert.Equal([5UL, 6], Indexes(state));
        Assert.Equal(SnapshotData(700, 4), ReadSnapshot(h.Wal, 7, 4));
        Assert.Equal(["0000000000000007-0000000000000004.snap"], h.SnapshotFiles.Where(n => n.StartsWith("0000000000000007-", StringComparison.Ordinal)));
    }

    /// <summary>A new incarnation that starts from an empty log at index 1 (no snapshot) sees none of the old entries.</summary>
    [Fact]
    public void A_re_created_group_appending_from_index_one_does_not_see_the_old_log()
    {
        using var h = CreateHarness();
        StageOldIncarnation(h.Wal);
        h.Wal.StageDropGroup(7);
        h.Wal.StageEntries(7, Entries(1, 2, 9, group: 7));
        Assert.Equal([1UL, 2], Indexes(h.Wal.GetGroup(7)!));
        h.Wal.Sync();

        var state = h.Restart()[7];

        Assert.Equal([1UL, 2], Indexes(state));
        Assert.Equal([9UL, 9], Terms(state));
        Assert.True(state.HardState.IsEmpty);
        Assert.True(state.Snapshot.IsEmpty);
        Assert.DoesNotContain(h.SnapshotFiles, name => name.StartsWith("0000000000000007-", StringComparison.Ordinal));
    }

    /// <summary>The new incarnation writes a snapshot file of the same name as the old one before the drop is durable: the drop's cleanup must spare it.</summary>
    [Fact]
    public void A_new_incarnation_snapshot_with_the_old_snapshot_name_survives_the_drop_cleanup()
    {
        using var h = CreateHarness();
        StageOldIncarnation(h.Wal);

        h.Wal.StageDropGroup(7);
        WriteSnapshot(h.Wal, 7, Snapshot(10, 3), SnapshotData(500, 99));
        h.Wal.Sync();

        Assert.Equal(SnapshotData(500, 99), ReadSnapshot(h.Wal, 7, 10));
        var state = h.Restart()[7];
        Assert.Equal((Snapshot(10, 3), 0), (state.Snapshot, state.Entries.Count));
        Assert.Equal(SnapshotData(500, 99), ReadSnapshot(h.Wal, 7, 10));
    }

    /// <summary>
    /// A group that never compacts pins every segment; once it is dropped, sealed segments go at the next sync.
    /// Repeated host-fill-drop rounds keep the segment count bounded without any carry-forward.
    /// </summary>
    [Fact]
    public void Segments_pinned_only_by_a_dropped_group_are_deleted_and_disk_use_stays_bounded()
    {
        using var h = CreateHarness(WalOptions.ForTests with { MaxSealedSegments = 100 });
        for (ulong round = 1; round <= 6; round++)
        {
            var group = 100 + round;
            for (ulong i = 1; i <= 200; i += 10)
            {
                h.Wal.StageEntries(group, Entries(i, i + 9, 1, EntryBytes, group));
                h.Wal.StageHardState(group, new HardState(1, 1, i + 9));
                h.Wal.Sync();
            }

            var before = h.SegmentFiles.Count;
            Assert.True(before >= 3, $"round {round}: the group filled only {before} segments");
            h.Wal.StageDropGroup(group);
            h.Wal.Sync();
            Assert.True(h.SegmentFiles.Count == 1, $"round {round}: {h.SegmentFiles.Count} segments left after the drop (were {before})");
        }

        Assert.Empty(h.Restart());
    }

    /// <summary>With carry-forward active, a dropped lagging group is not carried: its entries are never rewritten and never come back.</summary>
    [Fact]
    public void Carry_forward_never_carries_a_dropped_group()
    {
        using var h = CreateHarness(); // at most 3 sealed segments
        h.Wal.StageEntries(9, Entries(1, 20, 4, 100, group: 9));
        h.Wal.StageHardState(9, new HardState(4, 2, 15));
        h.Wal.Sync();
        h.Wal.StageDropGroup(9);
        h.Wal.Sync();
        for (ulong i = 1; i <= 600; i += 10)
        {
            h.Wal.StageEntries(1, Entries(i, i + 9, 1, EntryBytes));
            h.Wal.StageHardState(1, new HardState(1, 1, i + 9));
            if (i > 20)
            {
                WriteSnapshot(h.Wal, 1, Snapshot(i - 1, 1), [1]);
                h.Wal.StageCompact(1, i - 1);
            }

            h.Wal.Sync();
            Assert.True(h.SegmentFiles.Count <= 5, $"{h.SegmentFiles.Count} segments: reclaiming does not keep up");
            Assert.Null(h.Wal.GetGroup(9));
        }

        var recovered = h.Restart();
        Assert.False(recovered.ContainsKey(9));
        Assert.Equal(600UL, recovered[1].LastIndex);
    }
}
