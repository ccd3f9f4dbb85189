// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;

namespace RaftCache.Node.Api;

/// <summary>
/// Turns <c>expiration_date</c> or <c>ttl_seconds</c> into an absolute expiry (Unix ms), here on the node
/// that proposes the write: the state machine never reads a clock, so every replica expires the entry at the
/// same instant. Without either, the configured default TTL applies (0 = no expiry).
/// </summary>
public static class ExpiryParser
{
    /// <summary>Longest TTL accepted: 100 years, so instants stay far inside the range of Unix milliseconds.</summary>
    public const long MaxTtlSeconds = 100L * 365 * 24 * 3600;

    public static bool TryResolve(string? expirationDate, string? ttlSeconds, long nowMs, int defaultTtlSeconds, out long? expiresAtMs, out string error)
    {
        expiresAtMs = null;
        error = "";
        if (expirationDate is not null && ttlSeconds is not null)
        {
            error = "Give expiration_date or ttl_seconds, not both.";
            return false;
        }
        if (expirationDate is not null) return TryParseDate(expirationDate, nowMs, out expiresAtMs, out error);
        if (ttlSeconds is not null)
        {
            if (!double.TryParse(ttlSeconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ttl) || double.IsNaN(ttl) || double.IsInfinity(ttl))
            {
                error = $"ttl_seconds '{ttlSeconds}' is not a number.";
                return false;
            }
            return TryFromTtl(ttl, nowMs, out expiresAtMs, out error);
        }
        if (defaultTtlSeconds > 0) expiresAtMs = nowMs + defaultTtlSeconds * 1000L;
        return true;
    }

    public static bool TryFromTtl(double ttlSeconds, long nowMs, out long? expiresAtMs, out string error)
    {
        expiresAtMs = null;
        error = "";
        if (ttlSeconds <= 0)
        {
            error = $"ttl_seconds must be positive, was {ttlSeconds.ToString(CultureInfo.InvariantCulture)}.";
            return false;
        }
        if (ttlSeconds > MaxTtlSeconds)
        {
            error = $"ttl_seconds must be at most {MaxTtlSeconds}.";
            return false;
        }
        expiresAtMs = nowMs + (long)Math.Ceiling(ttlSeconds * 1000);
        return true;
    }

    private static bool TryParseDate(string text, long nowMs, out long? expiresAtMs, out string error)
    {
        expiresAtMs = null;
        // ISO 8601; a date-time without an offset is taken as UTC (API.md).
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            error = $"expiration_date '{text}' is not an ISO 8601 date-time.";
            return false;
        }
        var ms = instant.ToUnixTimeMilliseconds();
        if (ms <= nowMs)
        {
            error = $"expiration_date {instant:O} is in the past.";
            return false;
        }
        if (ms - nowMs > MaxTtlSeconds * 1000)
        {
            error = $"expiration_date {instant:O} is more than {MaxTtlSeconds / (365 * 24 * 3600)} years away.";
            return false;
        }
        expiresAtMs = ms;
        error = "";
        return true;
    }

    /// <summary>An expiry as the API writes it, <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (UTC); null for none.</summary>
    public static string? Format(long? expiresAtMs) =>
        expiresAtMs is { } ms ? Encoding.ASCII.GetString(FormatUtf8(ms, stackalloc byte[FormattedLength])) : null;

    /// <summary>Bytes of <see cref="FormatUtf8"/>'s answer: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public const int FormattedLength = 24;

    /// <summary>
    /// <see cref="Format"/> as UTF-8 into <paramref name="destination"/> (at least <see cref="FormattedLength"/>
    /// bytes), digit by digit: every GET of a JSON value writes its expiry, and a custom date format string would be
    /// parsed again on each call. Throws for an instant outside the years 1 to 9999.
    /// </summary>
    public static ReadOnlySpan<byte> FormatUtf8(long expiresAtMs, Span<byte> destination)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs).UtcDateTime;
        var d = destination[..FormattedLength];
        Digits(d[..4], t.Year);
        d[4] = (byte)'-';
        Digits(d.Slice(5, 2), t.Month);
        d[7] = (byte)'-';
        Digits(d.Slice(8, 2), t.Day);
        d[10] = (byte)'T';
        Digits(d.Slice(11, 2), t.Hour);
        d[13] = (byte)':';
        Digits(d.Slice(14, 2), t.Minute);
        d[16] = (byte)':';
        Digits(d.Slice(17, 2), t.Second);
        d[19] = (byte)'.';
        Digits(d.Slice(20, 3), t.Millisecond);
        d[23] = (byte)'Z';
        return d;
    }

    // Right-aligned, zero-padded to the span's length.
    private static void Digits(Span<byte> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--, value /= 10) into[i] = (byte)('0' + value % 10);
    }
}
