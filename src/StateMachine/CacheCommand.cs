// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// A decoded command: a view over the encoded bytes (key, content type and value are slices, not copies),
/// so applying a command allocates only the stored entry itself. Layout: docs/state-machine.md.
/// </summary>
public readonly ref struct CacheCommand
{
    /// <summary>The only command format this build reads and writes.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Longest key the format can carry (the API limits keys to 1,024 bytes before proposing).</summary>
    public const int MaxKeyBytes = ushort.MaxValue;

    /// <summary>Longest content type the format can carry.</summary>
    public const int MaxContentTypeBytes = byte.MaxValue;

    /// <summary>Largest value the format accepts (the API default limit is 1 MiB; this is a sanity bound).</summary>
    public const int MaxValueBytes = 64 * 1024 * 1024;

    public CommandKind Kind { get; init; }

    /// <summary>The proposer's clock (Unix ms) when it proposed; used as "now" for conditions and keep-expiry.</summary>
    public long TimestampMs { get; init; }

    public ClientSession? Session { get; init; }

    public WriteCondition Condition { get; init; }

    public ulong ExpectedVersion { get; init; }

    public ExpiryMode ExpiryMode { get; init; }

    /// <summary>Put with <see cref="ExpiryMode.At"/>: absolute expiry, Unix ms.</summary>
    public long ExpiresAtMs { get; init; }

    public ReadOnlySpan<byte> Key { get; init; }

    public ReadOnlySpan<byte> ContentType { get; init; }

    /// <summary>Put and Append: the value. HashIncrementBy: the field.</summary>
    public ReadOnlySpan<byte> Value { get; init; }

    /// <summary>Sweep: remove keys whose expiry is at or before this instant (Unix ms).</summary>
    public long SweepUpToMs { get; init; }

    /// <summary>Sweep: remove at most this many keys (0 = no limit), so one sweep entry has a bounded apply time.</summary>
    public uint SweepMaxKeys { get; init; }

    /// <summary>IncrementBy and HashIncrementBy: the signed delta.</summary>
    public long Delta { get; init; }

    /// <summary>HashSet and HashDelete: the encoded fields (see <see cref="HashValue"/>), <see cref="FieldCount"/> of them.</summary>
    public ReadOnlySpan<byte> Fields { get; init; }

    public int FieldCount { get; init; }

    /// <summary>HashSet: set only fields that are absent (HSETNX).</summary>
    public bool OnlyNewFields { get; init; }

    /// <summary>SetMemoryLimit: the new limit in accounted bytes.</summary>
    public long MemoryLimitBytes { get; init; }
}
