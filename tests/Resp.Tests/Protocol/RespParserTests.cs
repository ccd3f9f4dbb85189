// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;

namespace RaftCache.Resp.Tests.Protocol;

/// <summary>The parser's three outcomes: complete (advanced), incomplete (untouched), malformed (protocol error).</summary>
public sealed class RespParserTests
{
    private static readonly RespLimits Limits = new() { MaxBulkBytes = 100, MaxArrayLength = 8, MaxInlineBytes = 64, MaxCommandBytes = 300 };

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public static TheoryData<string> ValidFrames() =>
    [
        "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n",
        "*1\r\n$4\r\nPING\r\n",
        "PING\r\n",
        "SET k \"a b\"\r\n",
    ];

    [Theory]
    [MemberData(nameof(ValidFrames))]
    public void Every_proper_prefix_of_a_frame_is_incomplete_and_consumes_nothing(string frame)
    {
        var bytes = B(frame);
        for (var length = 0; length < bytes.Length; length++)
        {
            var input = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.False(RespParser.TryParse(ref input, Limits, out _), $"prefix of {length} bytes");
            Assert.Equal(length, input.Length);
        }

        var whole = new ReadOnlySequence<byte>(bytes);
        Assert.True(RespParser.TryParse(ref whole, Limits, out var args));
        Assert.True(whole.IsEmpty);
        Assert.NotEmpty(args);
    }

    [Fact]
    public void Pipelined_commands_parse_one_at_a_time_in_order()
    {
        var input = new ReadOnlySequence<byte>(B("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\r\n*2\r\n$3\r\nGET"));
        var names = new List<string>();
        while (RespParser.TryParse(ref input, Limits, out var args)) names.Add(string.Join(' ', args.Select(Encoding.UTF8.GetString)));
        Assert.Equal(["PING", "ECHO hi", "PING"], names);
        Assert.Equal("*2\r\n$3\r\nGET", Encoding.UTF8.GetString(input.ToArray()));
    }

    [Fact]
    public void A_frame_split_across_segments_parses_like_a_contiguous_one()
    {
        var bytes = B("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n");
        for (var split = 1; split < bytes.Length; split++)
        {
            var input = Segments.Of(bytes[..split], bytes[split..]);
            Assert.True(RespParser.TryParse(ref input, Limits, out var args), $"split at {split}");
            Assert.Equal("hello", Encoding.UTF8.GetString(args[1]));
        }
    }

    [Theory]
    [InlineData("*2\r\n$3\r\nGET\r\n:1\r\n", "expected '$'")]
    [InlineData("*x\r\n", "invalid multibulk length")]
    [InlineData("*1\r\n$-1\r\n", "invalid bulk length")]
    [InlineData("*1\r\n$3\r\nGETX\r\n", "does not end in CRLF")]
    [InlineData("*9\r\n", "the limit is 8")]
    [InlineData("*1\r\n$101\r\n", "the limit is 100")]
    [InlineData("*4\r\n$100\r\n", "")]
    [InlineData("SET k \"open\r\n", "unbalanced quotes")]
    [InlineData("*12345678901234567890123\r\n", "invalid multibulk length")]
    public void Malformed_or_oversized_input_is_a_protocol_error(string frame, string reason)
    {
        var input = new ReadOnlySequence<byte>(B(frame));
        if (reason.Length == 0)
        {
            // Declared sizes add up past the command limit only once the bytes come: 4 × 100 > 300.
            input = new ReadOnlySequence<byte>(B("*4\r\n" + string.Concat(Enumerable.Repeat("$100\r\n" + new string('x', 100) + "\r\n", 4))));
        }

        var error = Assert.Throws<RespProtocolException>(() => RespParser.TryParse(ref input, Limits, out _));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void An_oversized_bulk_is_refused_from_its_header_before_its_bytes_arrive()
    {
        var input = new ReadOnlySequence<byte>(B("*2\r\n$3\r\nSET\r\n$1000000\r\n"));
        Assert.Throws<RespProtocolException>(() => RespParser.TryParse(ref input, Limits, out _));
    }

    [Fact]
    public void An_inline_line_longer_than_the_limit_is_refused_even_without_its_newline()
    {
        var input = new ReadOnlySequence<byte>(B(new string('a', 65)));
        Assert.Throws<RespProtocolException>(() => RespParser.TryParse(ref input, Limits, out _));
    }

    [Fact]
    public void Empty_arrays_and_blank_inline_lines_are_empty_commands()
    {
        foreach (var frame in new[] { "*0\r\n", "\r\n", "   \r\n" })
        {
            var input = new ReadOnlySequence<byte>(B(frame));
            Assert.True(RespParser.TryParse(ref input, Limits, out var args));
            Assert.Empty(args);
            Assert.True(input.IsEmpty);
        }
    }
}

/// <summary>A sequence of several segments, as a pipe hands over data that arrived in pieces.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(byte[] bytes, long start)
    {
        Memory = bytes;
        RunningIndex = start;
    }

    public static ReadOnlySequence<byte> Of(byte[] first, byte[] second)
    {
        var a = new Segments(first, 0);
        var b = new Segments(second, first.Length);
        a.Next = b;
        return new ReadOnlySequence<byte>(a, 0, b, second.Length);
    }
}
