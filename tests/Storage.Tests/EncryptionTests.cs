// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Text;
using RaftCache.Codec;
using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>
/// Encryption at rest (docs/storage.md, "Encryption at rest"): WAL records and snapshot files written with a keyring
/// read back only with the right key, name the key they need, expose no plaintext, detect tampering like
/// corruption (file and offset named), and survive key rotation.
/// </summary>
public sealed class EncryptionTests
{
    internal static readonly StorageKeyring KeyOne = Ring((1, 0x11));

    private static StorageKeyring Ring(params (uint Id, byte Fill)[] keys) =>
        new(keys.ToDictionary(k => k.Id, k => Enumerable.Repeat(k.Fill, StorageKeyring.KeyBytes).ToArray()), keys.Max(k => k.Id));

    private static WalOptions With(StorageKeyring? keys) => WalOptions.ForTests with { Encryption = keys };

    // Layout constants of docs/storage.md (the format types are internal to Storage).
    private const int HeaderBytes = 32;
    private const int SegmentHeaderRecordBytes = 56;
    private const int CiphertextOffset = 4 + 12; // after key id and nonce
    private const int ChunkBytes = 1 << 20;

    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("g1-i3-t2");

    private static MemoryWal Written(StorageKeyring keys)
    {
        var wal = new MemoryWal(With(keys));
        WriteSnapshot(wal, 1, Snapshot(2, 1), Encoding.ASCII.GetBytes(new string('s', 3 * ChunkBytes / 2) + "SECRET-SNAPSHOT"));
        wal.StageEntries(1, Entries(3, 6, 2, 64));
        wal.StageHardState(1, new HardState(2, 1, 5));
        wal.Sync();
        return wal;
    }

    [Fact]
    public void Records_and_snapshots_round_trip_and_no_plaintext_reaches_the_disk()
    {
        using var wal = Written(KeyOne);

        var state = wal.Restart()[1];

        Assert.Equal(Entries(3, 6, 2, 64).Select(e => e.Data.ToArray()), state.Entries.Select(e => e.Data.ToArray()));
        Assert.Equal(new HardState(2, 1, 5), state.HardState);
        Assert.EndsWith("SECRET-SNAPSHOT", Encoding.ASCII.GetString(ReadSnapshot(wal, 1, 2)), StringComparison.Ordinal);
        foreach (var path in wal.Disk.ListFiles("wal").Select(f => $"wal/{f}").Concat(wal.Disk.ListFiles("snap").Select(f => $"snap/{f}")))
        {
            var bytes = FileBytes(wal.Disk, path);
            Assert.True(bytes.AsSpan().IndexOf(Marker) < 0, $"{path} holds an entry in plaintext");
            Assert.True(bytes.AsSpan().IndexOf("SECRET-SNAPSHOT"u8) < 0, $"{path} holds snapshot data in plaintext");
        }
    }

    [Fact]
    public void The_plain_format_is_unchanged_without_a_key()
    {
        using var wal = new MemoryWal(With(null));
        wal.StageEntries(1, Entries(1, 4, 2, 64));
        wal.Sync();

        var segment = FileBytes(wal.Disk, $"wal/{wal.Disk.ListFiles("wal")[0]}");

        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(HeaderBytes + 8))); // format version 1
        Assert.Equal(0, segment[SegmentHeaderRecordBytes + 9]); // first data record: no flags
        Assert.True(segment.AsSpan().IndexOf(Marker) >= 0);
    }

    [Fact]
    public void A_different_key_under_the_same_id_is_refused_as_corruption_naming_file_and_offset()
    {
        using var wal = Written(KeyOne);
        wal.Crash();

        var error = Assert.Throws<StorageCorruptionException>(() => new MemoryWal(With(Ring((1, 0x22))), wal.Disk));

        Assert.StartsWith("wal/", error.File, StringComparison.Ordinal);
        Assert.Equal(SegmentHeaderRecordBytes, error.Offset); // the first data record after the segment header
        Assert.Contains("fails authentication with key id 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_or_no_keyring_is_refused_with_the_key_id_it_needs()
    {
        using var wal = Written(KeyOne);
        wal.Crash();

        var missing = Assert.Throws<StorageKeyException>(() => new MemoryWal(With(Ring((2, 0x11))), wal.Disk));
        var none = Assert.Throws<StorageKeyException>(() => new MemoryWal(With(null), wal.Disk));

        Assert.Equal(1u, missing.KeyId);
        Assert.Contains("the keyring holds key ids 2", missing.Message, StringComparison.Ordinal);
        Assert.Contains("no encryption key is configured", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_record_with_a_recomputed_checksum_is_corruption_even_at_the_tail()
    {
        // Injected: one ciphertext byte of the last record changed and its CRC fixed up, as an attacker with disk
        // access would. Checked: not mistaken for a torn tail (which would silently drop the record) but refused.
        using var wal = Written(KeyOne);
        var path = $"wal/{wal.Disk.ListFiles("wal")[^1]}";
        var bytes = FileBytes(wal.Disk, path);
        var last = LastRecordStart(bytes);
        bytes[last + HeaderBytes + CiphertextOffset] ^= 0x40;
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(last + 4));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(last), Crc(bytes.AsSpan(last + 4, HeaderBytes - 4 + length)));
        using (var file = wal.Disk.Open(path))
        {
            file.Write(0, bytes);
            file.Sync(); // a crash keeps only synced bytes
        }
        wal.Crash();

        var error = Assert.Throws<StorageCorruptionException>(() => wal.Restart());

        Assert.Equal(path, error.File);
        Assert.Equal(last, error.Offset);
    }

    [Fact]
    public void A_tampered_snapshot_chunk_is_corruption_naming_the_file()
    {
        using var wal = Written(KeyOne);
        var path = $"snap/{wal.Disk.ListFiles("snap")[0]}";
        using (var file = wal.Disk.Open(path))
        {
            var one = new byte[1];
            file.Read(200, one);
            one[0] ^= 1;
            file.Write(200, one);
        }

        var error = Assert.Throws<StorageCorruptionException>(() => ReadSnapshot(wal, 1, 2));

        Assert.Equal(path, error.File);
    }

    [Fact]
    public void After_rotation_old_records_and_snapshots_stay_readable_and_new_ones_use_the_new_key()
    {
        // Key 1 wrote the first records and the snapshot; the ring then gains key 2 (active). Checked: everything
        // reads back with the ring {1, 2}; new records name key 2; once everything is rewritten under key 2
        // (snapshot + compaction, segments reclaimed) the ring {2} alone reads the log.
        using var wal = Written(KeyOne);
        wal.Crash();
        var rotated = Ring((1, 0x11), (2, 0x22));
        using var both = new MemoryWal(With(rotated), wal.Disk);
        both.StageEntries(1, Entries(7, 8, 2, 64));
        both.Sync();

        var state = both.Restart()[1];
        Assert.Equal([3UL, 4, 5, 6, 7, 8], Indexes(state));
        Assert.EndsWith("SECRET-SNAPSHOT", Encoding.ASCII.GetString(ReadSnapshot(both, 1, 2)), StringComparison.Ordinal);
        var segment = FileBytes(both.Disk, $"wal/{both.Disk.ListFiles("wal")[^1]}");
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(LastRecordStart(segment) + HeaderBytes)));

        // Retire key 1: a new snapshot and compaction under key 2, then enough writes to roll and reclaim the old segments.
        for (ulong i = 9; i < 400; i += 10)
        {
            both.StageEntries(1, Entries(i, i + 9, 2, 500));
            both.StageHardState(1, new HardState(2, 1, i + 9));
            both.Sync();
            WriteSnapshot(both, 1, Snapshot(i + 9, 2), SnapshotData(1000, (int)i));
            both.StageCompact(1, i + 9);
            both.Sync();
        }
        both.Crash();
        using var onlyNew = new MemoryWal(With(Ring((2, 0x22))), both.Disk);

        Assert.Equal(408UL, onlyNew.Recovered[1].LastIndex);
        Assert.Equal(SnapshotData(1000, 399), ReadSnapshot(onlyNew, 1, 408));
        Assert.DoesNotContain(onlyNew.Disk.ListFiles("snap"), f => f.Contains("-0000000000000002.snap", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "no key")]
    [InlineData("abc", "32 bytes")]
    [InlineData("0:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "reserved")]
    [InlineData("1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "twice")]
    public void A_bad_key_file_is_refused_with_the_reason_and_never_the_key(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => StorageKeyring.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_files_accept_a_bare_key_base64_or_hex_and_pick_the_highest_id_as_active()
    {
        var bare = StorageKeyring.Parse(Convert.ToBase64String(new byte[32]) + "\n");
        var listed = StorageKeyring.Parse($"# rotated 2026-11\n1:{Convert.ToHexString(new byte[32])}\n3:{Convert.ToBase64String(new byte[32])}\n");

        Assert.Equal(1u, bare.ActiveKeyId);
        Assert.Equal(3u, listed.ActiveKeyId);
        Assert.Equal([1u, 3u], listed.KeyIds.Order());
    }

    private static int LastRecordStart(byte[] segment)
    {
        var offset = 0;
        var last = 0;
        while (offset + HeaderBytes <= segment.Length && segment.AsSpan(offset, HeaderBytes).ContainsAnyExcept((byte)0))
        {
            last = offset;
            offset += HeaderBytes + ((BinaryPrimitives.ReadInt32LittleEndian(segment.AsSpan(offset + 4)) + 7) & ~7);
        }
        return last;
    }

    private static uint Crc(ReadOnlySpan<byte> bytes) => Crc32C.Compute(bytes);
}
