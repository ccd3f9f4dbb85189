// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>Group commit, fail-stop and crashes around snapshots, on the in-memory disk that can lose unsynced bytes.</summary>
public sealed class CrashTests
{
    [Fact]
    public void One_sync_for_sixteen_groups_costs_one_file_fsync()
    {
        using var wal = new MemoryWal();
        for (ulong g = 1; g <= 16; g++) wal.StageHardState(g, new HardState(1, g, 0));
        wal.Sync();
        var before = wal.Disk.FileSyncCount;

        for (ulong g = 1; g <= 16; g++)
        {
            wal.StageEntries(g, Entries(1, 3, 1, 100, group: g));
            wal.StageHardState(g, new HardState(1, g, 2));
        }

        wal.Sync();

        Assert.Equal(before + 1, wal.Disk.FileSyncCount);
        Assert.Equal(16, wal.Restart().Values.Count(s => s.LastIndex == 3 && s.HardState.Commit == 2));
    }

    [Fact]
    public void Staged_but_unsynced_records_are_lost_in_a_crash_and_synced_ones_are_not()
    {
        using var wal = new MemoryWal();
        wal.StageEntries(1, Entries(1, 3, 1));
        wal.Sync();
        wal.StageEntries(1, Entries(4, 9, 1));
        wal.StageHardState(1, new HardState(1, 1, 2));

        wal.Crash();
        var state = wal.Restart()[1];

        Assert.Equal([1UL, 2, 3], Indexes(state));
        Assert.True(state.HardState.IsEmpty);
    }

    [Fact]
    public void A_failed_fsync_is_fatal_and_the_log_refuses_every_later_call()
    {
        using var wal = new MemoryWal();
        wal.StageEntries(1, Entries(1, 3, 1));
        wal.Sync();
        wal.StageEntries(1, Entries(4, 4, 1));
        wal.Disk.FailSyncs = true;

        Assert.Throws<StorageFailedException>(() => wal.Sync());
        wal.Disk.FailSyncs = false;
        Assert.Throws<StorageFailedException>(() => wal.StageHardState(1, new HardState(1, 1, 1)));
        Assert.Throws<StorageFailedException>(() => wal.Sync());

        wal.Crash();
        Assert.Equal([1UL, 2, 3], Indexes(wal.Restart()[1])); // entry 4 was never acknowledged and is gone
    }

    [Fact]
    public void A_failed_write_is_fatal_too()
    {
        using var wal = new MemoryWal();
        wal.StageEntries(1, Entries(1, 3, 1));
        wal.Disk.FailWrites = true;

        Assert.Throws<StorageFailedException>(() => wal.Sync());
        Assert.Throws<StorageFailedException>(() => wal.StageEntries(1, Entries(4, 4, 1)));
    }

    [Fact]
    public void A_crash_while_writing_a_snapshot_leaves_the_previous_snapshot_in_charge()
    {
        using var wal = new MemoryWal();
        wal.StageEntries(1, Entries(1, 10, 1));
        wal.StageHardState(1, new HardState(1, 1, 10));
        WriteSnapshot(wal, 1, Snapshot(5, 1), SnapshotData(4000, 5));
        wal.Sync();

        // The new snapshot's bytes reach the disk only partly, its fsync and rename never become durable.
        wal.Disk.IgnoreSyncs = true;
        wal.WriteSnapshot(1, Snapshot(9, 1), new MemoryStream(SnapshotData(200_000, 9)));
        wal.Crash(keepUnsyncedBytes: 100_000);
        var state = wal.Restart()[1];

        Assert.Equal(5UL, state.Snapshot.Index);
        Assert.Equal(SnapshotData(4000, 5), ReadSnapshot(wal, 1, 5));
        Assert.Equal(["0000000000000001-0000000000000005.snap"], wal.Disk.ListFiles("snap"));
    }

    [Fact]
    public void A_torn_snapshot_file_is_detected_by_its_trailer()
    {
        var disk = new MemoryDisk();
        disk.CreateDirectory("snap");
        using var wal = new MemoryWal(disk: disk);
        wal.WriteSnapshot(1, Snapshot(9, 1), new MemoryStream(SnapshotData(50_000, 9)));
        var path = "snap/" + disk.ListFiles("snap").Single();

        // Rewrite the file as if the power cut hit after 30,000 bytes of it had been written.
        using (var original = disk.Open(path))
        {
            var bytes = new byte[30_000];
            original.Read(0, bytes);
            disk.Delete(path);
            using var torn = disk.Create(path, 0);
            torn.Write(0, bytes);
            torn.Sync();
        }

        var error = Assert.Throws<StorageCorruptionException>(() => wal.OpenSnapshot(1, 9));
        Assert.Contains("trailer", error.Message);
    }

    /// <summary>
    /// With <paramref name="namesSurvive"/>, new segment files keep their names across the crash (only their data
    /// is lost or torn), so the cut can land inside a checkpoint written to a segment that survives.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_crash_in_the_middle_of_carrying_a_group_forward_keeps_the_groups_entries(bool namesSurvive)
    {
        var options = WalOptions.ForTests with { SegmentBytes = 8192, MaxRecordBytes = 2048, MaxSealedSegments = 1 };
        long written;
        using (var probe = Prepare(options, namesSurvive))
        {
            written = probe.Disk.UnsyncedBytes;

            // Segment 1 holds group 9's only records: it can only have been deleted after carrying group 9 forward.
            Assert.DoesNotContain("00000000000000000001.seg", probe.Disk.ListFiles("wal"));
        }

        for (var cut = 0L; cut <= written; cut += 61)
        {
            using var wal = Prepare(options, namesSurvive);
            wal.Crash(cut);
            var recovered = wal.Restart();

            Assert.Equal(Enumerable.Range(1, 20).Select(i => (ulong)i), Indexes(recovered[9]));
            Assert.Equal(Entries(1, 20, 3, 150, group: 9).Select(e => e.Data.ToArray()), recovered[9].Entries.Select(e => e.Data.ToArray()));
            Assert.Equal(new HardState(3, 1, 2), recovered[9].HardState);
            Assert.InRange(recovered[1].LastIndex, 8UL, 88UL);
        }
    }

    /// <summary>Group 9 writes once; group 1 fills segments; then a sync that rolls and carries group 9 forward is lost.</summary>
    private static MemoryWal Prepare(WalOptions options, bool namesSurvive)
    {
        var wal = new MemoryWal(options);
        wal.StageEntries(9, Entries(1, 20, 3, 150, group: 9));
        wal.StageHardState(9, new HardState(3, 1, 2));
        wal.Sync();
        for (ulong i = 1; i <= 8; i += 4)
        {
            wal.StageEntries(1, Entries(i, i + 3, 1, 200));
            wal.Sync();
        }

        wal.Disk.IgnoreSyncs = true;
        wal.Disk.NamesDurableAtCreation = namesSurvive;
        wal.StageEntries(1, Entries(9, 88, 1, 200));
        wal.Sync();
        return wal;
    }
}
