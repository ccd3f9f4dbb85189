// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>
/// A snapshot pushed into its file by a writer (a state serialised straight to disk) reads back exactly as written,
/// across chunk boundaries, in plain and encrypted files, and is refused beyond the size limit.
/// </summary>
public sealed class SnapshotWriteTests
{
    private static byte[] Data(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + i / 1000)).ToArray();

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 2_500_000)]
    [InlineData(true, 0)]
    [InlineData(true, 1 << 20)]
    [InlineData(true, 2_500_000)]
    public void Data_pushed_in_uneven_pieces_reads_back_whole(bool encrypted, int length)
    {
        using var wal = new MemoryWal(WalOptions.ForTests with { Encryption = encrypted ? EncryptionTests.KeyOne : null });
        var data = Data(length);

        var written = wal.WriteSnapshot(1, Snapshot(5, 2), stream =>
        {
            for (var at = 0; at < data.Length; at += 70_001) stream.Write(data.AsSpan(at, Math.Min(70_001, data.Length - at)));
        });

        Assert.Equal(length, written);
        Assert.Equal(data, ReadSnapshot(wal, 1, 5));
    }

    [Fact]
    public void A_snapshot_beyond_the_size_limit_is_refused_and_never_named()
    {
        using var wal = new MemoryWal(WalOptions.ForTests with { MaxSnapshotBytes = 100_000 });

        var error = Assert.Throws<InvalidOperationException>(() => wal.WriteSnapshot(1, Snapshot(5, 2), stream => stream.Write(Data(100_001))));

        Assert.Contains("MaxSnapshotBytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wal.Disk.ListFiles("snap"), name => name.EndsWith(".snap", StringComparison.Ordinal));
    }
}
