// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>Damage on disk: in the tail it is a torn write and is cut; anywhere else the node must refuse to start.</summary>
public sealed class CorruptionTests
{
    private static readonly WalOptions Options = WalOptions.ForTests with { SegmentBytes = 8192, MaxRecordBytes = 2048, MaxSealedSegments = 100 };

    /// <summary>Three sealed segments and an active one, every record synced; the last sync is the last record.</summary>
    private static MemoryWal ThreeSegments()
    {
        var wal = new MemoryWal(Options);
        for (ulong i = 1; i <= 120; i += 4)
        {
            wal.StageEntries(1, Entries(i, i + 3, 1, 200));
            wal.Sync();
        }

        Assert.True(wal.SegmentFiles.Count >= 4);
        return wal;
    }

    [Fact]
    public void A_bit_flip_in_the_last_record_is_cut_as_a_torn_tail_and_the_rest_recovers()
    {
        using var wal = ThreeSegments();
        var last = wal.SegmentFiles[^1];
        var lastRecordEnd = LastNonZero(wal.Disk, last);
        wal.Disk.FlipBit(last, lastRecordEnd - 100, 3); // inside the payload of the final entries record

        var state = wal.Restart()[1];

        Assert.Equal(116UL, state.LastIndex); // entries 117..120 were that record
        wal.StageEntries(1, Entries(117, 117, 2));
        wal.Sync();
        Assert.Equal(117UL, wal.Restart()[1].LastIndex);
    }

    /// <summary>
    /// Five synced records of 896 bytes each (4 entries of 200 bytes) after the 56-byte segment header; one bit of
    /// the last record is flipped, for every byte of it. Every flip must cut exactly that record, never more, never
    /// refuse, and the log must accept appends afterwards.
    /// </summary>
    [Fact]
    public void A_bit_flip_at_any_byte_of_the_last_record_cuts_exactly_that_record()
    {
        const int RecordBytes = 32 + 12 + (4 * (13 + 200));
        const int LastRecordStart = 56 + (4 * RecordBytes);
        for (var offset = LastRecordStart; offset < LastRecordStart + RecordBytes; offset++)
        {
            using var wal = new MemoryWal(WalOptions.ForTests);
            for (ulong i = 1; i <= 20; i += 4)
            {
                wal.StageEntries(1, Entries(i, i + 3, 1, 200));
                wal.Sync();
            }

            wal.Disk.FlipBit(wal.SegmentFiles[0], offset, offset % 8);
            var state = wal.Restart()[1];

            Assert.True(state.LastIndex == 16, $"flip at byte {offset}: recovered up to {state.LastIndex}, expected 16");
            wal.StageEntries(1, Entries(17, 17, 2));
            wal.Sync();
            Assert.Equal(17UL, wal.Restart()[1].LastIndex);
        }
    }

    [Fact]
    public void A_bit_flip_in_a_sealed_segment_refuses_to_start_naming_the_file_and_offset()
    {
        using var wal = ThreeSegments();
        var victim = wal.SegmentFiles[1];
        wal.Disk.FlipBit(victim, 500, 0);

        var error = Assert.Throws<StorageCorruptionException>(() => wal.Restart());

        Assert.Equal(victim, error.File);
        Assert.InRange(error.Offset, 56, 500); // the record containing byte 500 starts after the segment header
        Assert.Contains(victim, error.Message);
        Assert.Contains($"offset {error.Offset}", error.Message);
    }

    [Fact]
    public void A_bit_flip_in_the_middle_of_the_last_segment_with_valid_records_after_it_refuses_to_start()
    {
        using var wal = ThreeSegments();
        var last = wal.SegmentFiles[^1];
        Assert.True(LastNonZero(wal.Disk, last) > 1200, "the last segment needs several records for this test");
        wal.Disk.FlipBit(last, 100, 5);

        var error = Assert.Throws<StorageCorruptionException>(() => wal.Restart());

        Assert.Equal(last, error.File);
        Assert.Contains("followed by a valid record", error.Message);
    }

    [Fact]
    public void A_missing_segment_in_the_middle_refuses_to_start()
    {
        using var wal = ThreeSegments();
        var victim = wal.SegmentFiles[1];
        wal.Crash();
        wal.Disk.Delete(victim);
        wal.Disk.SyncDirectory("wal");

        var error = Assert.Throws<StorageCorruptionException>(() => wal.Restart());

        Assert.Equal(victim, error.File);
    }

    [Fact]
    public void A_damaged_snapshot_named_by_the_log_refuses_to_start()
    {
        using var wal = new MemoryWal(Options);
        wal.StageEntries(1, Entries(1, 10, 1));
        wal.StageHardState(1, new HardState(1, 1, 10));
        WriteSnapshot(wal, 1, Snapshot(10, 1), SnapshotData(10_000, 3));
        wal.Sync();
        var path = "snap/" + wal.Disk.ListFiles("snap").Single();
        wal.Disk.FlipBit(path, 5000, 1);

        var error = Assert.Throws<StorageCorruptionException>(() => wal.Restart());

        Assert.Equal(path, error.File);
        Assert.Contains("checksum", error.Message);
    }

    internal static long LastNonZero(MemoryDisk disk, string path)
    {
        using var file = disk.Open(path);
        var bytes = new byte[file.Length];
        file.Read(0, bytes);
        return Array.FindLastIndex(bytes, b => b != 0);
    }
}
