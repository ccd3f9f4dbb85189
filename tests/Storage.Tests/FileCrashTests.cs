// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>Crashes and damage on real files in a temporary directory (fewer cycles than in memory: fsync is slow).</summary>
public sealed class FileCrashTests : IDisposable
{
    private static readonly WalOptions Options = WalOptions.ForTests with { SegmentBytes = 8192, MaxRecordBytes = 2048, MaxSealedSegments = 2 };
    private readonly TempDirectory _temp = new();
    private readonly string _directory;

    public FileCrashTests() => _directory = _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Randomized_write_sync_crash_recover_cycles_on_real_files_match_the_reference_model()
    {
        var disk = new CrashableFileDisk(_directory);
        var wal = WriteAheadLog.Open(disk, Options);
        var generator = new OpGenerator(77);
        var durable = new ReferenceModel();
        try
        {
            for (var cycle = 0; cycle < 60; cycle++)
            {
                var current = durable.Clone();
                var allowed = new List<ReferenceModel> { durable.Clone() };
                for (var step = generator.Random.Next(1, 10); step > 0; step--)
                {
                    var op = generator.Next(current);
                    op.StageInto(wal);
                    current.Apply(op);
                    allowed.Add(current.Clone());
                    if (generator.Random.Next(4) == 0)
                    {
                        wal.Sync();
                        allowed = [current.Clone()];
                    }
                }

                disk.LieAboutSyncs = true;
                wal.Sync();
                var keep = generator.Random.NextInt64(0, disk.UnsyncedBytes + 1);
                wal.Dispose();
                disk.Crash(keep);
                wal = WriteAheadLog.Open(disk, Options);

                var match = allowed.FindIndex(m => m.Difference(wal.Recovered) is null);
                Assert.True(match >= 0, $"cycle {cycle}, kept {keep} bytes: {allowed[0].Difference(wal.Recovered)}");
                durable = allowed[match];
            }
        }
        finally
        {
            wal.Dispose();
        }
    }

    [Fact]
    public void A_bit_flip_in_a_sealed_segment_file_refuses_to_start_naming_the_file_and_offset()
    {
        using (var wal = WriteAheadLog.OpenDirectory(_directory, Options with { MaxSealedSegments = 100 }))
        {
            for (ulong i = 1; i <= 80; i += 4)
            {
                wal.StageEntries(1, Entries(i, i + 3, 1, 200));
                wal.Sync();
            }
        }

        var victim = Path.Combine(_directory, "wal", "00000000000000000001.seg");
        using (var file = new FileStream(victim, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 300;
            var b = file.ReadByte();
            file.Position = 300;
            file.WriteByte((byte)(b ^ 0x10));
        }

        var error = Assert.Throws<StorageCorruptionException>(() => WriteAheadLog.OpenDirectory(_directory, Options));

        Assert.Equal("wal/00000000000000000001.seg", error.File);
        Assert.InRange(error.Offset, 56, 300);
    }

    [Fact]
    public void A_torn_tail_in_a_real_file_is_cut_and_zeroed_so_later_appends_recover()
    {
        using (var wal = WriteAheadLog.OpenDirectory(_directory, Options))
        {
            wal.StageEntries(1, Entries(1, 3, 1, 100));
            wal.Sync();
            wal.StageEntries(1, Entries(4, 6, 1, 100));
            wal.Sync();
        }

        // Garble the second record's last bytes as a torn sector would.
        var path = Path.Combine(_directory, "wal", "00000000000000000001.seg");
        var bytes = File.ReadAllBytes(path);
        var end = Array.FindLastIndex(bytes, b => b != 0);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = end - 20;
            file.Write(new byte[] { 0xde, 0xad, 0xbe, 0xef });
        }

        using (var wal = WriteAheadLog.OpenDirectory(_directory, Options))
        {
            Assert.Equal(3UL, wal.Recovered[1].LastIndex);
            wal.StageEntries(1, Entries(4, 4, 2, 10));
            wal.Sync();
        }

        using var reopened = WriteAheadLog.OpenDirectory(_directory, Options);
        Assert.Equal([1UL, 1, 1, 2], Terms(reopened.Recovered[1]));
    }

    [Fact]
    public void Directory_fsync_works_on_a_real_directory_and_fails_loudly_on_a_missing_one()
    {
        var disk = new FileDisk(_directory);
        disk.CreateDirectory("d");
        disk.SyncDirectory("d");

        Assert.ThrowsAny<IOException>(() => disk.SyncDirectory("missing"));
    }

    [Fact]
    public void A_segment_created_but_never_written_before_a_crash_is_discarded()
    {
        ulong last = 0;
        using (var wal = WriteAheadLog.OpenDirectory(_directory, Options with { MaxSealedSegments = 100 }))
        {
            for (var attempt = 0; attempt < 100 && wal.SegmentFiles.Count < 2; attempt++)
            {
                wal.StageEntries(1, Entries(last + 1, last + 4, 1, 200));
                last += 4;
                wal.Sync();
            }
        }

        Assert.True(File.Exists(Path.Combine(_directory, "wal", "00000000000000000002.seg")), "expected the log to roll to segment 2");

        // The crash hit the sync that rolled to segment 2: its name reached the directory, none of its bytes did.
        var second = Path.Combine(_directory, "wal", "00000000000000000002.seg");
        File.WriteAllBytes(second, new byte[Options.SegmentBytes]);

        ulong recovered;
        using (var reopened = WriteAheadLog.OpenDirectory(_directory, Options with { MaxSealedSegments = 100 }))
        {
            recovered = reopened.Recovered[1].LastIndex;
            Assert.InRange(recovered, 1UL, last - 1);
            reopened.StageEntries(1, Entries(recovered + 1, recovered + 1, 2));
            reopened.Sync();
        }

        using var again = WriteAheadLog.OpenDirectory(_directory, Options with { MaxSealedSegments = 100 });
        Assert.Equal(recovered + 1, again.Recovered[1].LastIndex);
        Assert.Equal(2UL, again.Recovered[1].Entries[^1].Term);
    }
}
