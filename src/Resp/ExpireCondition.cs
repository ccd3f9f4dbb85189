// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Resp;

/// <summary>The options of EXPIRE and its siblings (Redis 7): when a new expiry may replace the current one.</summary>
[Flags]
internal enum ExpireCondition
{
    None = 0,

    /// <summary>Only when the key has no expiry.</summary>
    Nx = 1,

    /// <summary>Only when the key has an expiry.</summary>
    Xx = 2,

    /// <summary>Only when the new expiry is later; a key without expiry counts as expiring never, so GT never sets it.</summary>
    Gt = 4,

    /// <summary>Only when the new expiry is sooner; a key without expiry counts as expiring never, so LT always sets it.</summary>
    Lt = 8,

    Unknown = 16,
}

internal static class ExpireConditions
{
    /// <summary>True when <paramref name="condition"/> lets <paramref name="newAtMs"/> replace the key's current expiry.</summary>
    public static bool Allows(this ExpireCondition condition, long? currentAtMs, long newAtMs)
    {
        var current = currentAtMs ?? long.MaxValue;
        if (condition.HasFlag(ExpireCondition.Nx) && currentAtMs is not null) return false;
        if (condition.HasFlag(ExpireCondition.Xx) && currentAtMs is null) return false;
        if (condition.HasFlag(ExpireCondition.Gt) && newAtMs <= current) return false;
        return !condition.HasFlag(ExpireCondition.Lt) || newAtMs < current;
    }
}
