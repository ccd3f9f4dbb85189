// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;

namespace RaftCache.Codec.Tests;

public sealed class BackupRecordsTests
{
    [Fact]
    public void A_record_keeps_its_documented_bytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        BackupRecords.Write(buffer, new BackupEntry("k"u8.ToArray(), "t"u8.ToArray(), "vv"u8.ToArray(), 5));

        // u16 key length, key, u8 content-type length, content type, i64 expiry, i32 value length, value.
        Assert.Equal("0100" + "6B" + "01" + "74" + "0500000000000000" + "02000000" + "7676", Convert.ToHexString(buffer.WrittenSpan));
    }

    [Fact]
    public void A_snapshot_reads_back_its_header_and_entries()
    {
        var header = new ShardSnapshotHeader("c1", 3, [0, 99], 40, 2, 2, "ab", 1234);
        var entries = new[] { new BackupEntry("a"u8.ToArray(), [], "1"u8.ToArray(), BackupRecords.NoExpiry), new BackupEntry("b"u8.ToArray(), "x"u8.ToArray(), [], 77) };
        var body = new ArrayBufferWriter<byte>();
        BackupRecords.WriteSnapshotHeader(body, header);
        foreach (var entry in entries) BackupRecords.Write(body, entry);

        var (readHeader, readEntries) = BackupRecords.ReadSnapshot<FormatErrors>(body.WrittenSpan, 1024);

        Assert.Equal(header with { Slots = readHeader.Slots }, readHeader);
        Assert.Equal([0, 99], readHeader.Slots);
        Assert.Equal(entries.Select(e => (e.Key, e.ContentType, e.Value, e.ExpiresAtMs)), readEntries.Select(e => (e.Key, e.ContentType, e.Value, e.ExpiresAtMs)));
    }

    [Fact]
    public void A_value_above_the_limit_is_refused_with_its_offset()
    {
        var buffer = new ArrayBufferWriter<byte>();
        BackupRecords.Write(buffer, new BackupEntry("k"u8.ToArray(), [], new byte[10], BackupRecords.NoExpiry));

        var ex = Assert.Throws<FormatException>(() => BackupRecords.Read<FormatErrors>(buffer.WrittenSpan, 9));
        Assert.Equal("The value of the entry at byte 0 is 10 bytes, more than the limit of 9.", ex.Message);
    }

    [Theory]
    [InlineData("0000")] // key length 0
    [InlineData("0104")] // key length 1025
    [InlineData("01006B00FEFFFFFFFFFFFFFF00000000")] // expiry -2
    [InlineData("01006B00FFFFFFFFFFFFFFFFFFFFFFFF")] // value length -1
    [InlineData("01006B00FFFFFFFFFFFFFFFF05000000")] // value shorter than its length
    public void Malformed_or_truncated_records_are_refused(string hex) =>
        Assert.Throws<FormatException>(() => BackupRecords.Read<FormatErrors>(Convert.FromHexString(hex), 1024));

    [Fact]
    public void Every_prefix_of_a_record_is_refused()
    {
        var buffer = new ArrayBufferWriter<byte>();
        BackupRecords.Write(buffer, new BackupEntry("key"u8.ToArray(), "type"u8.ToArray(), "value"u8.ToArray(), 9));
        for (var length = 1; length < buffer.WrittenCount; length++)
        {
            var prefix = buffer.WrittenSpan[..length].ToArray();
            Assert.Throws<FormatException>(() => BackupRecords.Read<FormatErrors>(prefix, 1024));
        }
    }

    [Fact]
    public void An_entry_is_live_until_its_expiry()
    {
        Assert.True(new BackupEntry([1], [], [], BackupRecords.NoExpiry).LiveAt(long.MaxValue));
        Assert.True(new BackupEntry([1], [], [], 100).LiveAt(99));
        Assert.False(new BackupEntry([1], [], [], 100).LiveAt(100));
    }
}
