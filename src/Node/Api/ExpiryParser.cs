// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

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

    public static string? Format(long? expiresAtMs) =>
        expiresAtMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : null;
}
