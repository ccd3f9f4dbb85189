// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Text;

namespace RaftCache.Resp;

/// <summary>
/// Reads one client command: an array of bulk strings (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>) or an inline line
/// (<c>PING\r\n</c>). Three outcomes: true with the arguments and the input advanced past the command; false when
/// the command is not complete yet, the input untouched; <see cref="RespProtocolException"/> when the bytes are
/// malformed or a declared length breaks a limit, which is detected as soon as the length arrives.
/// </summary>
public static class RespParser
{
    private const int MaxHeaderDigits = 20;

    public static bool TryParse(ref ReadOnlySequence<byte> input, RespLimits limits, out byte[][] arguments)
    {
        arguments = [];
        var reader = new SequenceReader<byte>(input);
        if (!reader.TryPeek(out var first)) return false;
        if (first != (byte)'*') return TryParseInline(ref input, ref reader, limits, out arguments);

        reader.Advance(1);
        if (!TryReadLength(ref reader, out var count, "multibulk length")) return false;
        if (count > limits.MaxArrayLength)
        {
            RespProtocolException.Throw($"Protocol error: the command has {count} arguments; the limit is {limits.MaxArrayLength}");
        }

        if (count <= 0)
        {
            input = input.Slice(reader.Position);
            return true; // "*0" and "*-1" are empty commands: Redis skips them
        }

        var result = new byte[count][];
        long declared = 0;
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryRead(out var marker)) return false;
            if (marker != (byte)'$') RespProtocolException.Throw($"Protocol error: expected '$', got '{Printable(marker)}'");
            if (!TryReadLength(ref reader, out var length, "bulk length")) return false;
            if (length < 0) RespProtocolException.Throw("Protocol error: invalid bulk length");
            if (length > limits.MaxBulkBytes)
            {
                RespProtocolException.Throw($"Protocol error: a bulk string of {length} bytes; the limit is {limits.MaxBulkBytes}");
            }

            declared += length;
            if (declared > limits.MaxCommandBytes)
            {
                RespProtocolException.Throw($"Protocol error: the command holds more than {limits.MaxCommandBytes} bytes");
            }

            if (reader.Remaining < length + 2) return false;
            var bytes = new byte[length];
            reader.TryCopyTo(bytes);
            reader.Advance(length);
            if (!reader.IsNext("\r\n"u8, advancePast: true)) RespProtocolException.Throw("Protocol error: a bulk string does not end in CRLF");
            result[i] = bytes;
        }

        arguments = result;
        input = input.Slice(reader.Position);
        return true;
    }

    /// <summary>A decimal length ending in CRLF; false when the line is not complete yet.</summary>
    private static bool TryReadLength(ref SequenceReader<byte> reader, out long value, string what)
    {
        value = 0;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (reader.Remaining > MaxHeaderDigits + 2) RespProtocolException.Throw($"Protocol error: invalid {what}");
            return false;
        }

        Span<byte> text = stackalloc byte[MaxHeaderDigits + 2];
        if (line.Length > text.Length || line.Length < 2) RespProtocolException.Throw($"Protocol error: invalid {what}");
        line.CopyTo(text);
        text = text[..(int)line.Length];
        if (text[^1] != (byte)'\r' || !Utf8Parser.TryParse(text[..^1], out value, out var consumed) || consumed != text.Length - 1)
        {
            RespProtocolException.Throw($"Protocol error: invalid {what}");
        }

        return true;
    }

    private static bool TryParseInline(ref ReadOnlySequence<byte> input, ref SequenceReader<byte> reader, RespLimits limits, out byte[][] arguments)
    {
        arguments = [];
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (reader.Remaining > limits.MaxInlineBytes) RespProtocolException.Throw("Protocol error: too big inline request");
            return false;
        }

        if (line.Length > limits.MaxInlineBytes) RespProtocolException.Throw("Protocol error: too big inline request");
        var text = line.ToArray().AsSpan();
        if (text.Length > 0 && text[^1] == (byte)'\r') text = text[..^1];
        arguments = SplitInline(text);
        input = input.Slice(reader.Position);
        return true;
    }

    /// <summary>Whitespace-separated words; double quotes group words and allow \" and \\ inside.</summary>
    private static byte[][] SplitInline(ReadOnlySpan<byte> text)
    {
        var words = new List<byte[]>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] is (byte)' ' or (byte)'\t') i++;
            if (i == text.Length) break;
            var word = new List<byte>();
            if (text[i] == (byte)'"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length) RespProtocolException.Throw("Protocol error: unbalanced quotes in request");
                    if (text[i] == (byte)'"') break;
                    if (text[i] == (byte)'\\' && i + 1 < text.Length) i++;
                    word.Add(text[i++]);
                }

                i++;
                if (i < text.Length && text[i] is not ((byte)' ' or (byte)'\t'))
                {
                    RespProtocolException.Throw("Protocol error: unbalanced quotes in request");
                }
            }
            else
            {
                while (i < text.Length && text[i] is not ((byte)' ' or (byte)'\t')) word.Add(text[i++]);
            }

            words.Add([.. word]);
        }

        return [.. words];
    }

    private static string Printable(byte b) => b is >= 32 and < 127 ? ((char)b).ToString() : $"\\x{b:x2}";
}
