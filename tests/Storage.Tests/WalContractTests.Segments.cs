// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

public abstract partial class WalContractTests
{
    // 64 KiB segments (WalOptions.ForTests) and 1 KiB entries: about 60 entries per segment.
    private const int EntryBytes = 1024;

    [Fact]
    public void Segments_roll_at_the_size_limit_and_recovery_reads_across_all_of_them()
    {
        using var h = CreateHarness(WalOptions.ForTests with { MaxSealedSegments = 100 });
        for (ulong i = 1; i <= 300; i += 10)
        {
            h.Wal.StageEntries(1, Entries(i, i + 9, 1, EntryBytes));
            h.Wal.Sync();
        }

        Assert.True(h.SegmentFiles.Count >= 4, $"expected several segments, got {h.SegmentFiles.Count}");
        var state = h.Restart()[1];
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (ulong)i), Indexes(state));
    }

    [Fact]
    public void Segments_are_deleted_once_every_group_has_compacted_past_them()
    {
        using var h = CreateHarness(WalOptions.ForTests with { MaxSealedSegments = 100 });
        for (ulong i = 1; i <= 300; i += 10)
        {
            h.Wal.StageEntries(1, Entries(i, i + 9, 1, EntryBytes));
            h.Wal.StageHardState(1, new HardState(1, 1, i + 9));
            h.Wal.Sync();
        }

        var before = h.SegmentFiles;
        WriteSnapshot(h.Wal, 1, Snapshot(290, 1), [42]);
        h.Wal.StageCompact(1, 290);
        h.Wal.Sync();

        var after = h.SegmentFiles;
        Assert.True(after.Count < before.Count, $"{before.Count} segments before compaction, {after.Count} after");
        Assert.Equal(before[^1], after[^1]);
        var state = h.Restart()[1];
        Assert.Equal(Enumerable.Range(291, 10).Select(i => (ulong)i), Indexes(state));
        Assert.Equal((290UL, 1UL, 300UL), (state.CompactedIndex, state.CompactedTerm, state.HardState.Commit));
    }

    [Fact]
    public void A_lagging_group_is_carried_forward_so_old_segments_go_and_its_entries_stay()
    {
        using var h = CreateHarness(); // at most 3 sealed segments
        h.Wal.StageEntries(9, Entries(1, 20, 4, 100, group: 9));
        h.Wal.StageHardState(9, new HardState(4, 2, 15));
        WriteSnapshot(h.Wal, 9, Snapshot(5, 4), [9]);
        h.Wal.Sync();

        // Group 1 writes and compacts busily; group 9 never writes again and never compacts past 5.
        for (ulong i = 1; i <= 1000; i += 10)
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
        }

        Assert.DoesNotContain("00000000000000000001.seg", h.SegmentFiles);
        var lagging = h.Restart()[9];
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (ulong)i), Indexes(lagging));
        Assert.Equal(Entries(1, 20, 4, 100, group: 9).Select(e => e.Data.ToArray()), lagging.Entries.Select(e => e.Data.ToArray()));
        Assert.Equal((new HardState(4, 2, 15), Snapshot(5, 4)), (lagging.HardState, lagging.Snapshot));
        Assert.Equal([9], ReadSnapshot(h.Wal, 9, 5));
    }

    [Fact]
    public void An_older_snapshot_file_is_deleted_only_once_the_newer_snapshot_record_is_durable()
    {
        using var h = CreateHarness();
        h.Wal.StageEntries(1, Entries(1, 10, 1));
        h.Wal.StageHardState(1, new HardState(1, 1, 10));
        WriteSnapshot(h.Wal, 1, Snapshot(4, 1), [4]);
        h.Wal.Sync();

        h.Wal.WriteSnapshot(1, Snapshot(8, 1), new MemoryStream([8]));
        Assert.Equal(2, h.SnapshotFiles.Count); // new data written, its record not yet staged: the old one must stay
        h.Wal.StageSnapshot(1, Snapshot(8, 1));
        Assert.Equal(2, h.SnapshotFiles.Count); // staged, not synced
        h.Wal.Sync();

        Assert.Equal(["0000000000000001-0000000000000008.snap"], h.SnapshotFiles);
        Assert.Equal([8], ReadSnapshot(h.Wal, 1, h.Restart()[1].Snapshot.Index));
    }

    [Fact]
    public void A_snapshot_written_but_never_recorded_is_removed_at_recovery()
    {
        using var h = CreateHarness();
        h.Wal.StageEntries(1, Entries(1, 10, 1));
        h.Wal.Sync();
        h.Wal.WriteSnapshot(1, Snapshot(8, 1), new MemoryStream([8]));

        var state = h.Restart()[1];

        Assert.True(state.Snapshot.IsEmpty);
        Assert.Empty(h.SnapshotFiles);
    }

    [Fact]
    public void Randomized_operations_with_restarts_match_the_reference_model()
    {
        var cycles = CycleCount;
        for (var seed = 0; seed < cycles; seed++)
        {
            using var h = CreateHarness(WalOptions.ForTests with { SegmentBytes = 8192, MaxRecordBytes = 2048, MaxSealedSegments = 2 });
            var generator = new OpGenerator(seed);
            var model = new ReferenceModel();
            for (var step = 0; step < 60; step++)
            {
                var op = generator.Next(model);
                op.StageInto(h.Wal);
                model.Apply(op);
                if (generator.Random.Next(4) == 0) h.Wal.Sync();
                if (generator.Random.Next(15) == 0)
                {
                    h.Wal.Sync();
                    var diff = model.Difference(h.Restart());
                    Assert.True(diff is null, $"seed {seed} step {step}: {diff}");
                }
            }
        }
    }

    /// <summary>How many randomized seeds this medium runs (real files are slower).</summary>
    protected abstract int CycleCount { get; }
}

public sealed class MemoryWalContractTests : WalContractTests
{
    protected override WalHarness CreateHarness(WalOptions options) => new MemoryHarness(options);

    protected override int CycleCount => 100;
}

public sealed class FileWalContractTests : WalContractTests
{
    protected override WalHarness CreateHarness(WalOptions options) => new FileHarness(options);

    protected override int CycleCount => 15;
}

/// <summary>The whole contract again with encryption at rest on: the format changes, the promises must not.</summary>
public sealed class EncryptedMemoryWalContractTests : WalContractTests
{
    protected override WalHarness CreateHarness(WalOptions options) => new MemoryHarness(options with { Encryption = EncryptionTests.KeyOne });

    protected override int CycleCount => 30;
}

public sealed class EncryptedFileWalContractTests : WalContractTests
{
    protected override WalHarness CreateHarness(WalOptions options) => new FileHarness(options with { Encryption = EncryptionTests.KeyOne });

    protected override int CycleCount => 5;
}
