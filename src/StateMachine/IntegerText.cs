// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Text;

namespace RaftCache.StateMachine;

/// <summary>
/// Redis's rule for values that increments accept: base-10, optional minus sign, no plus sign, no spaces, no
/// leading zeros, within the signed 64-bit range. Part of the replicated semantics: every replica must agree.
/// </summary>
public static class IntegerText
{
    /// <summary>The longest text of a 64-bit integer ("-9223372036854775808").</summary>
    public const int MaxLength = 20;

    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxLength) return false;
        var digits = text[0] == (byte)'-' ? text[1..] : text;
        if (digits.IsEmpty || (digits[0] == (byte)'0' && (digits.Length > 1 || text.Length > 1))) return false;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
        }

        return Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;
    }

    public static byte[] Format(long value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        Utf8Formatter.TryFormat(value, buffer, out var written);
        return buffer[..written].ToArray();
    }
}
