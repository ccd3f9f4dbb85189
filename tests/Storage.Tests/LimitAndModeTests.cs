// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

public sealed class LimitAndModeTests
{
    [Fact]
    public void The_unsafe_no_fsync_mode_never_fsyncs_and_so_loses_acknowledged_records_in_a_crash()
    {
        using var wal = new MemoryWal(WalOptions.ForTests with { UnsafeSkipFsync = true });
        var syncs = wal.Disk.FileSyncCount;
        wal.StageEntries(1, Entries(1, 5, 1));
        var sequence = wal.Sync();

        Assert.Equal(syncs, wal.Disk.FileSyncCount);
        Assert.True(wal.DurableSequence >= sequence); // it claims durability it does not have: that is the trade-off
        wal.Crash();
        Assert.False(wal.Restart().TryGetValue(1, out var state) && state.LastIndex > 0);
    }

    [Fact]
    public void Each_written_batch_reports_its_bytes_and_fsync_time_once_and_an_empty_sync_reports_nothing()
    {
        var reports = new List<(TimeSpan Fsync, long Bytes)>();
        using var wal = new MemoryWal(WalOptions.ForTests with { Synced = (fsync, bytes) => reports.Add((fsync, bytes)) });
        wal.StageEntries(1, Entries(1, 5, 1, 100));
        wal.Sync();
        wal.Sync();
        wal.StageEntries(1, Entries(6, 6, 1, 100));
        wal.Sync();

        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.True(r.Fsync >= TimeSpan.Zero));
        Assert.True(reports[0].Bytes > 5 * 100 && reports[1].Bytes > 100 && reports[1].Bytes < reports[0].Bytes);
    }

    [Fact]
    public void Staging_more_than_the_staged_bytes_limit_without_a_sync_throws()
    {
        using var wal = new MemoryWal(WalOptions.ForTests with { MaxStagedBytes = 20_000 });
        wal.StageEntries(1, Entries(1, 10, 1, 1000));

        var error = Assert.Throws<InvalidOperationException>(() => wal.StageEntries(1, Entries(11, 30, 1, 1000)));

        Assert.Contains("MaxStagedBytes", error.Message);
        Assert.Equal(10UL, wal.GetGroup(1)!.LastIndex); // the refused batch left no partial records behind
        wal.Sync();
        wal.StageEntries(1, Entries(11, 20, 1, 1000)); // room again after the sync
    }

    [Fact]
    public void Carrying_forward_a_log_larger_than_the_staging_limit_leaves_the_host_room_to_stage()
    {
        // Group 9 never compacts; its live log (40 entries of 1,000 B) is twice the staging limit, so carrying it
        // forward stages more than the limit at once. Checkpoints are exempt, but a host staging while they were still
        // staged had them counted against its own batch, and the node stopped ("more than ... bytes staged").
        var disk = new MemoryDisk();
        using var wal = WriteAheadLog.Open(disk, WalOptions.ForTests with { MaxStagedBytes = 20_000 });
        for (ulong i = 1; i <= 40; i += 10)
        {
            wal.StageEntries(9, Entries(i, i + 9, 1, 1000, group: 9));
            wal.Sync();
        }

        ulong hostIndex = 0;
        wal.CheckpointsTaken = () => wal.StageEntries(2, Entries(++hostIndex, hostIndex, 1, 100, group: 2)); // the host, staging at that moment
        for (ulong i = 1; i <= 400; i += 10)
        {
            wal.StageEntries(1, Entries(i, i + 9, 1, 1024));
            if (i > 20)
            {
                WriteSnapshot(wal, 1, Snapshot(i - 1, 1), [1]);
                wal.StageCompact(1, i - 1);
            }

            wal.Sync();
        }

        Assert.True(hostIndex > 0, "group 9 was never carried forward");
        wal.Sync();
        wal.Dispose();
        using var reopened = WriteAheadLog.Open(disk, WalOptions.ForTests);
        var recovered = reopened.Recovered;
        Assert.Equal(40, recovered[9].Entries.Count);
        Assert.Equal((int)hostIndex, recovered[2].Entries.Count);
    }

    [Fact]
    public void Entries_already_covered_by_the_durable_snapshot_are_skipped_not_rewritten()
    {
        using var wal = new MemoryWal();
        wal.StageEntries(1, Entries(1, 5, 1));
        wal.StageHardState(1, new HardState(1, 1, 5));
        WriteSnapshot(wal, 1, Snapshot(5, 1), [5]);
        wal.StageEntries(1, Entries(3, 8, 1));
        wal.Sync();

        var state = wal.Restart()[1];

        Assert.Equal([1UL, 2, 3, 4, 5, 6, 7, 8], Indexes(state));
        Assert.Equal([6UL, 7, 8], state.EntriesAfterSnapshot.Select(e => e.Index));
    }

    [Fact]
    public void More_groups_than_the_group_limit_are_refused()
    {
        using var wal = new MemoryWal(WalOptions.ForTests with { MaxGroups = 2 });
        wal.StageHardState(1, new HardState(1, 0, 0));
        wal.StageHardState(2, new HardState(1, 0, 0));

        var error = Assert.Throws<InvalidOperationException>(() => wal.StageHardState(3, new HardState(1, 0, 0)));

        Assert.Contains("MaxGroups", error.Message);
    }

    [Fact]
    public void A_batch_of_entries_over_the_per_record_limits_is_split_and_recovers_whole()
    {
        using var wal = new MemoryWal(WalOptions.ForTests with { MaxEntriesPerRecord = 7 });
        wal.StageEntries(1, Entries(1, 100, 1, 500)); // 7 entries per record, and ~16 KiB records: many records
        wal.Sync();

        var state = wal.Restart()[1];

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (ulong)i), Indexes(state));
    }

    [Fact]
    public void Invalid_options_are_rejected_when_opening()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryWal(new WalOptions { SegmentBytes = 1024 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryWal(new WalOptions { SegmentBytes = 8192, MaxRecordBytes = 8192 }));
    }

    [Fact]
    public void Proposers_on_many_threads_staging_while_others_sync_all_find_their_records_durable()
    {
        using var wal = new MemoryWal(WalOptions.ForTests with { MaxSealedSegments = 1000 });
        Parallel.For(1, 9, new ParallelOptions { MaxDegreeOfParallelism = 8 }, group =>
        {
            for (ulong i = 1; i <= 100; i++)
            {
                var ticket = wal.StageEntries((ulong)group, Entries(i, i, 1, 50, (ulong)group));
                wal.Sync();
                Assert.True(wal.DurableSequence >= ticket, $"group {group} entry {i}: sync returned before covering its stage");
            }
        });

        wal.Crash(); // nothing unsynced may be needed: every stage was covered by a sync that returned
        var recovered = wal.Restart();

        for (ulong g = 1; g <= 8; g++) Assert.Equal(Enumerable.Range(1, 100).Select(i => (ulong)i), Indexes(recovered[g]));
    }
}
