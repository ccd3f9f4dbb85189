// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage.Tests;

/// <summary>The tombstone file on a crashing, damaging disk: never half-written, never silently forgotten.</summary>
public sealed class TombstoneFileTests
{
    [Fact]
    public void A_damaged_tombstone_file_stops_recovery_with_the_file_named()
    {
        var wal = new MemoryWal();
        wal.WriteTombstone(7, new GroupTombstone(3, 1, 20));
        wal.Disk.FlipBit("wal/tombstones", 20, 2);

        var error = Assert.Throws<StorageCorruptionException>(() => wal.Restart());
        Assert.Equal("wal/tombstones", error.File);
    }

    [Fact]
    public void A_crash_while_the_next_version_is_written_keeps_the_previous_one()
    {
        var wal = new MemoryWal();
        wal.WriteTombstone(7, new GroupTombstone(3, 1, 20));

        // The disk stops making anything durable: the new version reaches neither its bytes nor its name.
        wal.Disk.IgnoreSyncs = true;
        wal.WriteTombstone(9, new GroupTombstone(4, 2, 8));
        wal.Crash();
        wal.Restart();

        Assert.Equal(new GroupTombstone(3, 1, 20), wal.Tombstones[7]);
        Assert.False(wal.Tombstones.ContainsKey(9));
    }

    [Fact]
    public void Bytes_that_claim_more_tombstones_than_they_hold_are_refused()
    {
        var bytes = TombstoneFile.Encode(new Dictionary<ulong, GroupTombstone> { [7] = new(3, 1, 20) });
        Assert.Equal(new GroupTombstone(3, 1, 20), TombstoneFile.Decode(bytes)[7]);
        Assert.Throws<FormatException>(() => TombstoneFile.Decode(bytes.AsSpan(0, bytes.Length - 5)));
        Assert.Throws<FormatException>(() => TombstoneFile.Decode([]));
    }
}
