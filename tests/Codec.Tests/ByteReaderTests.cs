// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using FsCheck;
using FsCheck.Fluent;

namespace RaftCache.Codec.Tests;

public sealed class ByteReaderTests
{
    [Fact]
    public void Every_field_reads_back_what_the_writer_wrote()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new ByteWriter(buffer);
        w.Byte(7);
        w.Boolean(true);
        w.UInt16(0xBEEF);
        w.UInt32(0xDEADBEEF);
        w.Int32(-5);
        w.UInt64(ulong.MaxValue - 1);
        w.Int64(long.MinValue);
        w.VarUInt(300);
        w.Bytes("hello"u8);
        w.Raw([9, 9]);

        var r = new ByteReader<FormatErrors>(buffer.WrittenSpan);

        Assert.Equal(7, r.Byte());
        Assert.True(r.Boolean());
        Assert.Equal(0xBEEF, r.UInt16());
        Assert.Equal(0xDEADBEEF, r.UInt32());
        Assert.Equal(-5, r.Int32());
        Assert.Equal(ulong.MaxValue - 1, r.UInt64());
        Assert.Equal(long.MinValue, r.Int64());
        Assert.Equal(300ul, r.VarUInt());
        Assert.Equal("hello"u8.ToArray(), r.Bytes().ToArray());
        Assert.Equal([9, 9], r.Take(2, "tail").ToArray());
        r.ExpectEnd("the test record");
    }

    [Fact]
    public void Fixed_width_fields_are_little_endian()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new ByteWriter(buffer);
        w.UInt16(0x0102);
        w.UInt32(0x03040506);
        w.UInt64(0x0708090A0B0C0D0E);

        Assert.Equal("0201" + "06050403" + "0E0D0C0B0A090807", Convert.ToHexString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData(0ul, "00")]
    [InlineData(127ul, "7F")]
    [InlineData(128ul, "8001")]
    [InlineData(300ul, "AC02")]
    [InlineData(ulong.MaxValue, "FFFFFFFFFFFFFFFFFF01")]
    public void Varints_are_unsigned_leb128(ulong value, string hex)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new ByteWriter(buffer).VarUInt(value);

        Assert.Equal(hex, Convert.ToHexString(buffer.WrittenSpan));
        Assert.Equal(value, new ByteReader<FormatErrors>(buffer.WrittenSpan).VarUInt());
    }

    [Fact]
    public void Any_varint_round_trips() =>
        Prop.ForAll<ulong>(value =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            new ByteWriter(buffer).VarUInt(value);
            var r = new ByteReader<FormatErrors>(buffer.WrittenSpan);
            return r.VarUInt() == value && r.Remaining == 0;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_varint_of_eleven_bytes_is_refused() =>
        Assert.Throws<FormatException>(() => new ByteReader<FormatErrors>(Convert.FromHexString("8080808080808080808000")).VarUInt());

    [Fact]
    public void A_tenth_varint_byte_with_bits_above_64_is_refused_not_wrapped() =>
        Assert.Throws<FormatException>(() => new ByteReader<FormatErrors>(Convert.FromHexString("FFFFFFFFFFFFFFFFFF02")).VarUInt());

    [Fact]
    public void A_count_larger_than_the_bytes_left_is_refused_before_any_allocation()
    {
        // Count 65,536 (varint 80 80 04), then three bytes.
        var ex = Assert.Throws<FormatException>(() => new ByteReader<FormatErrors>(Convert.FromHexString("808004010203")).Count(1 << 20, "item"));
        Assert.Contains("bytes left", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_count_above_its_limit_is_refused() =>
        Assert.Throws<FormatException>(() => new ByteReader<FormatErrors>([5, 1, 2, 3, 4, 5]).Count(4, "item"));

    [Fact]
    public void A_count_that_fits_at_the_minimum_item_size_is_accepted()
    {
        var r = new ByteReader<FormatErrors>([2, 1, 2, 3, 4]);
        Assert.Equal(2, r.Count(10, "pair", minBytesEach: 2));
    }

    [Fact]
    public void Every_truncated_read_fails_with_the_layers_exception()
    {
        Assert.Throws<TestErrorsException>(() => new ByteReader<TestErrors>([1]).UInt16("a field"));
        Assert.Throws<TestErrorsException>(() => new ByteReader<TestErrors>([1, 2, 3]).UInt32());
        Assert.Throws<TestErrorsException>(() => new ByteReader<TestErrors>(new byte[7]).UInt64());
        Assert.Throws<TestErrorsException>(() => new ByteReader<TestErrors>([]).Byte());
        Assert.Throws<TestErrorsException>(() => new ByteReader<TestErrors>([0x80]).VarUInt());
        Assert.Throws<TestErrorsException>(() => new ByteReader<TestErrors>([5, 1, 2]).Bytes());
        Assert.Throws<TestErrorsException>(() => new ByteReader<TestErrors>([1, 2]).Take(-1, "negative"));
        Assert.Throws<TestErrorsException>(() => new ByteReader<TestErrors>([2]).Boolean());
        Assert.Throws<TestErrorsException>(() => new ByteReader<TestErrors>([1]).ExpectEnd("nothing"));
    }

    [Fact]
    public void A_truncated_read_names_the_field_and_the_offset()
    {
        var ex = Assert.Throws<FormatException>(() =>
        {
            var r = new ByteReader<FormatErrors>([1, 2, 3]);
            r.Byte();
            r.UInt32("the sequence");
        });

        Assert.Equal("truncated: reading the sequence needs 4 byte(s) at offset 1, 2 left", ex.Message);
    }

    [Fact]
    public void Any_input_either_reads_or_fails_with_the_layers_exception() =>
        Prop.ForAll<byte[]>(input =>
        {
            try
            {
                var r = new ByteReader<TestErrors>(input ?? []);
                var count = r.Count(1000, "item", 2);
                for (var i = 0; i < count; i++)
                {
                    r.VarUInt();
                    r.Bytes();
                }

                r.ExpectEnd("the items");
            }
            catch (TestErrorsException)
            {
                // Refused: the only outcome allowed besides success.
            }
        }).QuickCheckThrowOnFailure();

    private sealed class TestErrors : IFormatErrors
    {
        public static Exception Create(string message) => new TestErrorsException(message);
    }

    private sealed class TestErrorsException(string message) : Exception(message);
}
