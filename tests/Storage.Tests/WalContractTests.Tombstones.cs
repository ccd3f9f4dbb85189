// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>What a dropped replica leaves behind must outlive the drop, restarts and the log's own compaction.</summary>
public abstract partial class WalContractTests
{
    [Fact]
    public void A_tombstone_written_before_a_drop_survives_the_drop_and_a_restart()
    {
        using var h = CreateHarness();
        h.Wal.StageEntries(7, Entries(1, 20, 3, group: 7));
        h.Wal.StageHardState(7, new HardState(3, 1, 15));
        h.Wal.Sync();

        h.Wal.WriteTombstone(7, new GroupTombstone(3, 1, 20));
        h.Wal.StageDropGroup(7);
        h.Wal.Sync();

        var recovered = h.Restart();
        Assert.False(recovered.ContainsKey(7));
        Assert.Equal(new GroupTombstone(3, 1, 20), h.Wal.Tombstones[7]);
        Assert.False(h.Wal.Tombstones.ContainsKey(8));
    }

    [Fact]
    public void A_later_tombstone_of_a_group_keeps_the_later_term_and_the_longer_log()
    {
        using var h = CreateHarness();
        h.Wal.WriteTombstone(7, new GroupTombstone(3, 1, 20));
        h.Wal.WriteTombstone(9, new GroupTombstone(2, 2, 4));

        // The replica created again was dropped before its log caught up: its term is newer, its log shorter.
        h.Wal.WriteTombstone(7, new GroupTombstone(5, 0, 12));
        Assert.Equal(new GroupTombstone(5, 0, 20), h.Wal.Tombstones[7]);

        h.Restart();
        Assert.Equal(new GroupTombstone(5, 0, 20), h.Wal.Tombstones[7]);
        Assert.Equal(new GroupTombstone(2, 2, 4), h.Wal.Tombstones[9]);
    }

    [Fact]
    public void Tombstones_outlive_the_segments_that_held_the_drop()
    {
        using var h = CreateHarness();
        h.Wal.StageEntries(7, Entries(1, 5, 1, group: 7));
        h.Wal.Sync();
        h.Wal.WriteTombstone(7, new GroupTombstone(1, 0, 5));
        h.Wal.StageDropGroup(7);
        h.Wal.Sync();

        // Fill and compact enough of another group that every segment holding group 7's records is reclaimed.
        var first = h.SegmentFiles[0];
        for (ulong batch = 0; batch < 40 && h.SegmentFiles.Contains(first); batch++)
        {
            var from = batch * 50 + 1;
            h.Wal.StageEntries(8, Entries(from, from + 49, 1, group: 8, bytes: 2000));
            h.Wal.Sync();
            WriteSnapshot(h.Wal, 8, Snapshot(from + 49, 1), SnapshotData(100, (int)batch));
            h.Wal.StageCompact(8, from + 49);
            h.Wal.Sync();
        }

        Assert.DoesNotContain(first, h.SegmentFiles);
        h.Restart();
        Assert.Equal(new GroupTombstone(1, 0, 5), h.Wal.Tombstones[7]);
    }
}
