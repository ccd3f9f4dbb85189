// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>Power cuts around a group drop and the group's re-creation, on the in-memory disk that loses unsynced bytes.</summary>
public sealed class DropCrashTests
{
    private static readonly WalOptions Options = WalOptions.ForTests with { SegmentBytes = 8192, MaxRecordBytes = 2048 };
    private const string OldSnapshotFile = "0000000000000001-000000000000000a.snap";

    /// <summary>Group 1: entries 1..12, hard state, snapshot at 10 (data seed 10); group 2: entries 1..3.</summary>
    private static readonly WalOp[] SyncedOps =
    [
        new WalOp.Append(1, Entries(1, 12, 2, 40)),
        new WalOp.SaveHardState(1, new HardState(2, 1, 11)),
        new WalOp.SaveSnapshot(1, Snapshot(10, 2), SnapshotData(900, 10)),
        new WalOp.Append(2, Entries(1, 3, 1, 30, group: 2)),
    ];

    [Fact]
    public void A_crash_before_the_drop_is_synced_leaves_the_group_intact()
    {
        using var wal = Prepare();
        wal.StageDropGroup(1);
        wal.WriteSnapshot(1, Snapshot(3, 7), new MemoryStream(SnapshotData(100, 3)));
        wal.StageSnapshot(1, Snapshot(3, 7)); // the new incarnation, also unsynced

        wal.Crash();
        var recovered = wal.Restart();

        Model(SyncedOps).AssertEqual(recovered);
        Assert.Equal(SnapshotData(900, 10), ReadSnapshot(wal, 1, 10));
        Assert.Equal([OldSnapshotFile], wal.Disk.ListFiles("snap")); // the new incarnation's unrecorded file is a leftover
    }

    /// <summary>
    /// Injected: the drop record is durable but the old snapshot file is back on disk, as if the crash beat its
    /// deletion. Checked: recovery shows only the new incarnation (snapshot 3, below the old 10) and deletes the file.
    /// </summary>
    [Fact]
    public void Recovery_ignores_and_deletes_a_dropped_incarnation_snapshot_file_left_by_a_crash()
    {
        using var wal = Prepare();
        var oldFile = ReadFile(wal.Disk, $"snap/{OldSnapshotFile}");
        wal.StageDropGroup(1);
        WriteSnapshot(wal, 1, Snapshot(3, 7), SnapshotData(100, 3));
        wal.Sync();
        Assert.False(wal.Disk.Exists($"snap/{OldSnapshotFile}"));

        wal.Crash();
        RestoreFile(wal.Disk, $"snap/{OldSnapshotFile}", oldFile);
        var state = wal.Restart()[1];

        Assert.Equal((Snapshot(3, 7), 3UL, 0), (state.Snapshot, state.CompactedIndex, state.Entries.Count));
        Assert.True(state.HardState.IsEmpty);
        Assert.Equal(["0000000000000001-0000000000000003.snap"], wal.Disk.ListFiles("snap"));
        Assert.Equal(SnapshotData(100, 3), ReadSnapshot(wal, 1, 3));
    }

    /// <summary>
    /// One sync (the disk lies about its fsync) writes: group 2's entries, the drop of group 1, the new
    /// incarnation's snapshot at 3 (below the old 10), its entries and hard state, and more of group 2. The
    /// machine dies after N bytes of that write, for every N. Recovery must give the synced state plus a prefix
    /// of the batch (never the old and new incarnation mixed), keep exactly the snapshot files the recovered
    /// state names, and keep working.
    /// </summary>
    [Fact]
    public void Cutting_the_write_at_every_byte_offset_around_a_drop_recovers_a_prefix()
    {
        var batch = new WalOp[]
        {
            new WalOp.Append(2, Entries(4, 5, 1, 60, group: 2)),
            new WalOp.DropGroup(1),
            new WalOp.SaveSnapshot(1, Snapshot(3, 7), SnapshotData(100, 3)),
            new WalOp.Append(1, Entries(4, 5, 7, 20)),
            new WalOp.SaveHardState(1, new HardState(7, 3, 4)),
            new WalOp.SaveHardState(2, new HardState(1, 2, 5)),
        };
        var prefixes = Prefixes(batch);
        long batchBytes;
        using (var probe = PrepareBatch(batch)) batchBytes = probe.Disk.UnsyncedBytes;

        var seen = new HashSet<int>();
        for (long cut = 0; cut <= batchBytes; cut++)
        {
            using var wal = PrepareBatch(batch);
            wal.Crash(keepUnsyncedBytes: cut);
            var recovered = wal.Restart();

            var match = prefixes.FindIndex(p => p.Difference(recovered) is null);
            Assert.True(match >= 0, $"cut at byte {cut}: recovered state is no prefix of the batch: {prefixes[0].Difference(recovered)}");
            seen.Add(match);
            var named = recovered.Values.Where(s => !s.Snapshot.IsEmpty).Select(s => $"{s.GroupId:x16}-{s.Snapshot.Index:x16}.snap").Order(StringComparer.Ordinal);
            Assert.Equal(named, wal.Disk.ListFiles("snap"));
            if (recovered.TryGetValue(1, out var group) && group.Snapshot.Index == 3) Assert.Equal(SnapshotData(100, 3), ReadSnapshot(wal, 1, 3));
            if (recovered.TryGetValue(1, out group) && group.Snapshot.Index == 10) Assert.Equal(SnapshotData(900, 10), ReadSnapshot(wal, 1, 10));

            wal.StageEntries(3, Entries(1, 1, 1, group: 3));
            wal.Sync();
            prefixes[match].Clone().AssertEqualExceptGroup(wal.Restart(), 3);
        }

        Assert.Equal(batch.Length + 1, seen.Count); // every prefix length occurred, the drop alone included
    }

    private static MemoryWal Prepare()
    {
        var wal = new MemoryWal(Options);
        foreach (var op in SyncedOps) op.StageInto(wal);
        wal.Sync();
        return wal;
    }

    /// <summary>
    /// Stages the batch and syncs it on a disk that ignores fsyncs. Snapshot data is written honestly (the host
    /// stages a Snapshot record only after its file is durable), so only the log's bytes are at risk.
    /// </summary>
    private static MemoryWal PrepareBatch(WalOp[] batch)
    {
        var wal = Prepare();
        foreach (var op in batch)
        {
            if (op is WalOp.SaveSnapshot s)
            {
                wal.Disk.IgnoreSyncs = false;
                wal.WriteSnapshot(s.Group, s.Metadata, new MemoryStream(s.Data));
                wal.Disk.IgnoreSyncs = true;
                wal.StageSnapshot(s.Group, s.Metadata);
            }
            else
            {
                op.StageInto(wal);
            }
        }

        wal.Disk.IgnoreSyncs = true;
        wal.Sync();
        return wal;
    }

    private static ReferenceModel Model(IEnumerable<WalOp> ops)
    {
        var model = new ReferenceModel();
        foreach (var op in ops) model.Apply(op);
        return model;
    }

    private static List<ReferenceModel> Prefixes(WalOp[] batch)
    {
        var model = Model(SyncedOps);
        var prefixes = new List<ReferenceModel> { model.Clone() };
        foreach (var op in batch)
        {
            model.Apply(op);
            prefixes.Add(model.Clone());
        }

        return prefixes;
    }

    private static byte[] ReadFile(MemoryDisk disk, string path)
    {
        using var file = disk.Open(path);
        var bytes = new byte[file.Length];
        Assert.Equal(bytes.Length, file.Read(0, bytes));
        return bytes;
    }

    private static void RestoreFile(MemoryDisk disk, string path, byte[] bytes)
    {
        using (var file = disk.Create(path, 0))
        {
            file.Write(0, bytes);
            file.Sync();
        }

        disk.SyncDirectory("snap");
    }
}
