// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace RaftCache.Resp;

/// <summary>
/// Writes replies in the connection's protocol: RESP2, or RESP3 after <c>HELLO 3</c> (null, map, double and
/// boolean get their own types there; in RESP2 they fall back as Redis does).
/// </summary>
public sealed class RespWriter(IBufferWriter<byte> output)
{
    public int Protocol { get; set; } = 2;

    public void Simple(string text) => Line((byte)'+', Encoding.UTF8.GetBytes(text));

    public void Ok() => Raw("+OK\r\n"u8);

    /// <summary>An error reply; <paramref name="text"/> starts with its code (ERR, NOAUTH, WRONGTYPE…).</summary>
    public void Error(ReadOnlySpan<byte> text)
    {
        Errors++;
        Line((byte)'-', text);
    }

    /// <summary>Error replies written so far (a command that wrote one counts as failed).</summary>
    public long Errors { get; private set; }

    public void Error(string text) => Error(Encoding.UTF8.GetBytes(text.Replace('\r', ' ').Replace('\n', ' ')));

    public void Integer(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var written);
        Line((byte)':', digits[..written]);
    }

    public void Bulk(ReadOnlySpan<byte> value)
    {
        Header((byte)'$', value.Length);
        Raw(value);
        Raw("\r\n"u8);
    }

    public void Bulk(string value) => Bulk(Encoding.UTF8.GetBytes(value));

    public void Null() => Raw(Protocol == 3 ? "_\r\n"u8 : "$-1\r\n"u8);

    public void NullArray() => Raw(Protocol == 3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void Array(int count) => Header((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> entries: RESP3 %, RESP2 a flat array of keys and values.</summary>
    public void Map(int pairs) => Header(Protocol == 3 ? (byte)'%' : (byte)'*', Protocol == 3 ? pairs : pairs * 2);

    /// <summary>A set (RESP3 ~), an array in RESP2.</summary>
    public void Set(int count) => Header(Protocol == 3 ? (byte)'~' : (byte)'*', count);

    public void Double(double value)
    {
        var text = RespNumbers.FormatDouble(value);
        if (Protocol == 3) Line((byte)',', Encoding.ASCII.GetBytes(text));
        else Bulk(Encoding.ASCII.GetBytes(text));
    }

    public void Boolean(bool value)
    {
        if (Protocol == 3) Raw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        else Integer(value ? 1 : 0);
    }

    /// <summary>Text for humans (INFO, CLIENT INFO): a verbatim string in RESP3, a bulk string in RESP2.</summary>
    public void Verbatim(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (Protocol != 3)
        {
            Bulk(bytes);
            return;
        }

        Header((byte)'=', bytes.Length + 4);
        Raw("txt:"u8);
        Raw(bytes);
        Raw("\r\n"u8);
    }

    public void Raw(ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private void Header(byte marker, long count)
    {
        Span<byte> line = stackalloc byte[24];
        line[0] = marker;
        Utf8Formatter.TryFormat(count, line[1..], out var written);
        line[written + 1] = (byte)'\r';
        line[written + 2] = (byte)'\n';
        Raw(line[..(written + 3)]);
    }

    private void Line(byte marker, ReadOnlySpan<byte> text)
    {
        var span = output.GetSpan(text.Length + 3);
        span[0] = marker;
        text.CopyTo(span[1..]);
        span[text.Length + 1] = (byte)'\r';
        span[text.Length + 2] = (byte)'\n';
        output.Advance(text.Length + 3);
    }
}

/// <summary>Number texts as Redis writes and reads them.</summary>
public static class RespNumbers
{
    /// <summary>Shortest round-trip text; integers without a fraction, as Redis prints INCRBYFLOAT results.</summary>
    public static string FormatDouble(double value) =>
        double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf" : value.ToString("R", CultureInfo.InvariantCulture);

    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        var s = Encoding.ASCII.GetString(text);
        value = 0;
        if (s.Length == 0 || s.Trim().Length != s.Length) return false;
        switch (s.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }
}
