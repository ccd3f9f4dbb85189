// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;

namespace RaftCache.Resp.Tests.Protocol;

public sealed class RespWriterTests
{
    private static string Write(int protocol, Action<RespWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new RespWriter(buffer) { Protocol = protocol });
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Null_map_double_and_boolean_fall_back_in_resp2_as_redis_does()
    {
        Assert.Equal("$-1\r\n", Write(2, w => w.Null()));
        Assert.Equal("_\r\n", Write(3, w => w.Null()));
        Assert.Equal("*2\r\n", Write(2, w => w.Map(1)));
        Assert.Equal("%1\r\n", Write(3, w => w.Map(1)));
        Assert.Equal("$3\r\n1.5\r\n", Write(2, w => w.Double(1.5)));
        Assert.Equal(",1.5\r\n", Write(3, w => w.Double(1.5)));
        Assert.Equal(":1\r\n", Write(2, w => w.Boolean(true)));
        Assert.Equal("#t\r\n", Write(3, w => w.Boolean(true)));
    }

    [Fact]
    public void An_error_text_cannot_break_the_framing()
    {
        Assert.Equal("-ERR a  b\r\n", Write(2, w => w.Error("ERR a\r\nb")));
    }

    [Fact]
    public void Bulk_strings_carry_any_bytes()
    {
        Assert.Equal("$4\r\na\r\nb\r\n", Write(2, w => w.Bulk("a\r\nb"u8)));
        Assert.Equal(":-42\r\n", Write(2, w => w.Integer(-42)));
    }
}
