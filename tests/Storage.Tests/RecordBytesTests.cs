// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using RaftCache.Codec;
using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>
/// The bytes the WAL and snapshot files hold, pinned: a change to the shared codec that moved one byte would leave
/// every existing data folder unreadable, so these fail first. Layouts: docs/storage.md.
/// </summary>
public sealed class RecordBytesTests
{
    private const int HeaderBytes = 32;

    private static readonly SnapshotMetadata Metadata = new(2, 2, new ConfState { Voters = [1, 2], Learners = [3] });

    // index 2, term 2, autoLeave 0, voters [1, 2], votersOutgoing [], learners [3], learnersNext [].
    private const string MetadataHex = "0200000000000000" + "0200000000000000" + "00"
        + "02000000" + "0100000000000000" + "0200000000000000" + "00000000" + "01000000" + "0300000000000000" + "00000000";

    [Fact]
    public void Entries_hard_state_and_snapshot_records_keep_their_bytes()
    {
        using var wal = new MemoryWal(WalOptions.ForTests);
        wal.StageEntries(7, [new Entry(1, 2, EntryType.Normal, "ab"u8.ToArray()), new Entry(2, 2, EntryType.ConfChange, Array.Empty<byte>())]);
        wal.StageHardState(7, new HardState(2, 1, 2));
        wal.WriteSnapshot(7, Metadata, new MemoryStream([1, 2, 3]));
        wal.StageSnapshot(7, Metadata);
        wal.Sync();

        var records = Records(FileBytes(wal.Disk, "wal/" + wal.Disk.ListFiles("wal")[0]));

        Assert.Equal(
            [
                (3, "0100000000000000" + "02000000" + "0200000000000000" + "00" + "02000000" + "6162" + "0200000000000000" + "02" + "00000000"),
                (4, "0200000000000000" + "0100000000000000" + "0200000000000000"),
                (5, "01" + MetadataHex),
            ],
            records.Skip(1).Select(r => (r.Type, Convert.ToHexString(r.Payload).ToLowerInvariant())));
    }

    [Fact]
    public void A_snapshot_file_header_keeps_its_bytes()
    {
        using var wal = new MemoryWal(WalOptions.ForTests);
        wal.WriteSnapshot(7, Metadata, new MemoryStream([1, 2, 3]));

        var file = FileBytes(wal.Disk, "snap/" + wal.Disk.ListFiles("snap")[0]);

        var expected = "52434e5341503031" + "01000000" + "39000000" + "0700000000000000" + MetadataHex;
        Assert.Equal(expected, Convert.ToHexString(file.AsSpan(0, expected.Length / 2)).ToLowerInvariant());
        var crcAt = expected.Length / 2;
        Assert.Equal(Crc32C.Compute(file.AsSpan(0, crcAt)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(crcAt)));
    }

    [Fact]
    public void What_the_wal_writes_the_shared_codec_reads()
    {
        using var wal = new MemoryWal(WalOptions.ForTests);
        wal.StageEntries(7, [new Entry(1, 9, EntryType.Normal, "xyz"u8.ToArray())]);
        wal.Sync();

        var (_, payload) = Records(FileBytes(wal.Disk, "wal/" + wal.Disk.ListFiles("wal")[0]))[1];
        var r = new ByteReader<FormatErrors>(payload);

        Assert.Equal((1ul, 1u, 9ul, (byte)0), (r.UInt64(), r.UInt32(), r.UInt64(), r.Byte()));
        Assert.Equal("xyz"u8.ToArray(), r.Take((int)r.UInt32(), "data").ToArray());
        r.ExpectEnd("the entries");
    }

    /// <summary>Every record of a segment, checked against its CRC-32C: type and payload.</summary>
    private static List<(int Type, byte[] Payload)> Records(byte[] segment)
    {
        var records = new List<(int, byte[])>();
        var offset = 0;
        while (offset + HeaderBytes <= segment.Length && segment.AsSpan(offset, HeaderBytes).ContainsAnyExcept((byte)0))
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(segment.AsSpan(offset + 4));
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(offset)), Crc32C.Compute(segment.AsSpan(offset + 4, HeaderBytes - 4 + length)));
            records.Add((segment[offset + 8], segment.AsSpan(offset + HeaderBytes, length).ToArray()));
            offset += HeaderBytes + ((length + 7) & ~7);
        }

        return records;
    }
}
