// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// The replicated cache of one shard: applies committed commands in log order and answers reads.
/// Deterministic: the same log gives the same state, results and <see cref="ComputeStateHash"/> on every replica,
/// because nothing here reads a clock (reads are given "now"; writes carry their proposer's timestamp).
/// Not thread-safe: the node serialises Apply, reads and <see cref="CaptureSnapshot"/> (e.g. on one apply loop).
/// </summary>
public sealed partial class CacheStateMachine
{
    private readonly StateMachineOptions _options;
    private EntryTable _table;
    private SessionTable _sessions;

    /// <summary>The array of the command being applied when a put may store it as its blob; null otherwise.</summary>
    private byte[]? _shareable;

    public CacheStateMachine(StateMachineOptions? options = null)
    {
        _options = options ?? new StateMachineOptions();
        _options.Validate();
        _table = new EntryTable(_options.HashSeed);
        _sessions = new SessionTable(_options);
        MemoryLimitBytes = _options.MemoryLimitBytes;
    }

    /// <summary>The index of the last log entry applied (or restored from a snapshot).</summary>
    public ulong AppliedIndex { get; private set; }

    /// <summary>The replicated memory limit in accounted bytes.</summary>
    public long MemoryLimitBytes { get; private set; }

    /// <summary>Stored entries, including expired ones that no sweep has removed yet.</summary>
    public int Count => _table.Count;

    /// <summary>Bytes counted against the limit: per entry key + content type + value + <see cref="EntryOverheadBytes"/>.</summary>
    public long AccountedBytes => _table.AccountedBytes;

    public int SessionCount => _sessions.Count;

    /// <summary>Fixed accounted bytes per entry; part of the replicated semantics.</summary>
    public static int EntryOverheadBytes => EntryTable.EntryOverheadBytes;

    /// <summary>
    /// Most bytes besides key, content type and value that a put's array may hold for the state machine to keep the
    /// array itself as the stored value (applied from memory); a larger one is copied.
    /// </summary>
    public static int MaxSharedOverheadBytes => BlobLayout.MaxSharedOverheadBytes;

    /// <summary>Keys evicted for memory since this instance started (a local metric, not replicated state).</summary>
    public long EvictedTotal { get; private set; }

    /// <summary>Keys removed by sweeps since this instance started (a local metric, not replicated state).</summary>
    public long SweptTotal { get; private set; }

    /// <summary>Looks a key up as of <paramref name="nowMs"/>: an entry whose expiry is at or before it reads as absent.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, long nowMs, out CacheEntry entry)
    {
        var index = _table.Find(key);
        if (index >= 0 && _table[index].ExpiresAtMs > nowMs)
        {
            entry = new CacheEntry(in _table[index]);
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> keys visible at <paramref name="nowMs"/>, in byte order, strictly after
    /// <paramref name="cursor"/> (none: from the start). One pass over the table per page.
    /// </summary>
    public KeyPage ListKeys(ReadOnlySpan<byte> cursor, bool hasCursor, int limit, long nowMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var slots = _table.PageAfter(cursor, hasCursor, limit, nowMs);
        var entries = new CacheEntry[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            entries[i] = new CacheEntry(in _table[slots[i]]);
        }

        ReadOnlyMemory<byte>? next = entries.Length == limit ? entries[^1].Key : (ReadOnlyMemory<byte>?)null;
        return new KeyPage(entries, next);
    }
}
