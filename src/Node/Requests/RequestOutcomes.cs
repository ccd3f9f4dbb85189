// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.StateMachine;

namespace RaftCache.Node.Requests;

/// <summary>What became of a write. On the peer wire: values are explicit and only ever appended.</summary>
public enum WriteFate : byte
{
    /// <summary>Committed and applied; <see cref="WriteOutcome.Result"/> is the state machine's answer (which may be a refusal such as a failed condition).</summary>
    Applied = 1,

    /// <summary>Definitely not applied, and no attempt can apply later: safe to retry.</summary>
    NotApplied = 2,

    /// <summary>Its fate is unknown: it may or may not have applied, or may still apply.</summary>
    MayHaveApplied = 3,

    /// <summary>Not applied here (not the leader, no replica, not sent): the cluster routes it again with the same session.</summary>
    RouteAgain = 4,
}

/// <summary>A write's outcome; <see cref="Detail"/> says why for every fate but <see cref="WriteFate.Applied"/>.</summary>
public readonly record struct WriteOutcome(WriteFate Fate, ApplyResult Result, string? Detail = null)
{
    /// <summary>The member the answering node believes leads the shard (0: unknown), for a <see cref="WriteFate.RouteAgain"/>.</summary>
    public ulong LeaderHint { get; init; }

    /// <summary>
    /// On a <see cref="WriteFate.RouteAgain"/>: the attempt was sent and its answer lost (a broken connection), so it may
    /// have applied. Routing again with the same session is still safe; if the deadline passes, the write may have applied.
    /// </summary>
    public bool Uncertain { get; init; }

    /// <summary>True when another member served it (metrics).</summary>
    public bool Forwarded { get; init; }

    public static WriteOutcome Applied(ApplyResult result) => new(WriteFate.Applied, result);

    public static WriteOutcome NotApplied(string detail) => new(WriteFate.NotApplied, default, detail);

    public static WriteOutcome MayHaveApplied(string detail) => new(WriteFate.MayHaveApplied, default, detail);

    public static WriteOutcome RouteAgain(string detail, ulong leaderHint = 0) => new(WriteFate.RouteAgain, default, detail) { LeaderHint = leaderHint };
}

/// <summary>What became of a read. On the peer wire: values are explicit and only ever appended.</summary>
public enum ReadFate : byte
{
    Found = 1,
    NotFound = 2,

    /// <summary>No replica could serve it at the asked consistency before the deadline.</summary>
    Unavailable = 3,

    /// <summary>Not served here (no replica, leadership unconfirmed): the cluster routes it again.</summary>
    RouteAgain = 4,
}

/// <summary>A stored value as a read returns it, whether it was read here or on another member.</summary>
public readonly record struct StoredValue(ReadOnlyMemory<byte> Value, ReadOnlyMemory<byte> ContentType, ulong Version, long? ExpiresAtMs)
{
    public static StoredValue Of(CacheEntry entry) => new(entry.Value, entry.ContentType, entry.Version, entry.ExpiresAtMs);
}

public readonly record struct ReadOutcome(ReadFate Fate, StoredValue Entry, string? Detail = null)
{
    /// <inheritdoc cref="WriteOutcome.LeaderHint"/>
    public ulong LeaderHint { get; init; }

    /// <summary>True when another member served it (metrics).</summary>
    public bool Forwarded { get; init; }

    public static ReadOutcome Found(StoredValue entry) => new(ReadFate.Found, entry);

    public static ReadOutcome NotFound => new(ReadFate.NotFound, default);

    public static ReadOutcome Unavailable(string detail) => new(ReadFate.Unavailable, default, detail);

    public static ReadOutcome RouteAgain(string detail, ulong leaderHint = 0) => new(ReadFate.RouteAgain, default, detail) { LeaderHint = leaderHint };
}
