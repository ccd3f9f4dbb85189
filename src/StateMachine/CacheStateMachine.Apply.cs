// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Runtime.InteropServices;

namespace RaftCache.StateMachine;

/// <summary>Applying committed commands.</summary>
public sealed partial class CacheStateMachine
{
    /// <summary>
    /// Applies the command committed at log <paramref name="index"/>. A session write seen before returns its
    /// original result and changes nothing but the applied index.
    /// </summary>
    /// <exception cref="StateMachineFormatException">
    /// The command is malformed; nothing changed, not even <see cref="AppliedIndex"/>. Every replica throws alike, so
    /// the node may skip the entry with <see cref="ApplyNoOp"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not above <see cref="AppliedIndex"/>.</exception>
    public ApplyResult Apply(ulong index, ReadOnlySpan<byte> command)
    {
        _shareable = null;
        return ApplyDecoded(index, command);
    }

    /// <summary>
    /// Applies like <see cref="Apply(ulong, ReadOnlySpan{byte})"/>, and a put may keep its value in
    /// <paramref name="command"/>'s array rather than a copy (<see cref="BlobLayout"/>). The caller promises what a
    /// Raft entry's data promises: the array is never written again (never pooled, never reused).
    /// </summary>
    /// <exception cref="StateMachineFormatException">As for the span overload.</exception>
    public ApplyResult Apply(ulong index, ReadOnlyMemory<byte> command)
    {
        _shareable = MemoryMarshal.TryGetArray(command, out var segment) ? segment.Array : null;
        try
        {
            return ApplyDecoded(index, command.Span);
        }
        finally
        {
            _shareable = null;
        }
    }

    private ApplyResult ApplyDecoded(ulong index, ReadOnlySpan<byte> command)
    {
        CheckIndex(index);
        var decoded = CommandCodec.Decode(command);
        if (decoded.Session is { } session && _sessions.TryGetPrior(session, out var prior))
        {
            AppliedIndex = index;
            return prior;
        }

        var result = decoded.Kind switch
        {
            CommandKind.Put => ApplyPut(index, decoded),
            CommandKind.Delete => ApplyDelete(index, decoded),
            CommandKind.Flush => ApplyFlush(index),
            CommandKind.ExpirySweep => ApplySweep(index, decoded),
            CommandKind.SetMemoryLimit => ApplyMemoryLimit(index, decoded.MemoryLimitBytes),
            CommandKind.IncrementBy => ApplyIncrementBy(index, decoded),
            CommandKind.Append => ApplyAppend(index, decoded),
            CommandKind.SetExpiry => ApplySetExpiry(index, decoded),
            CommandKind.HashSet => ApplyHashSet(index, decoded),
            CommandKind.HashDelete => ApplyHashDelete(index, decoded),
            CommandKind.HashIncrementBy => ApplyHashIncrementBy(index, decoded),
            CommandKind.PutAllIfAbsent => ApplyPutAllIfAbsent(index, decoded),
            _ => throw new StateMachineFormatException($"Unknown command kind {decoded.Kind}."),
        };
        if (decoded.Session is { } writer)
        {
            _sessions.Record(writer, decoded.TimestampMs, result);
        }

        AppliedIndex = index;
        return result;
    }

    /// <summary>Advances the applied index over a log entry that is not a cache command (no-op, membership change).</summary>
    public void ApplyNoOp(ulong index)
    {
        CheckIndex(index);
        AppliedIndex = index;
    }

    private void CheckIndex(ulong index)
    {
        if (index <= AppliedIndex)
        {
            throw new ArgumentOutOfRangeException(
                nameof(index), index, $"Log index must be above the applied index {AppliedIndex}.");
        }
    }

    private ApplyResult ApplyPut(ulong index, in CacheCommand command)
    {
        var existing = _table.Find(command.Key);
        var now = command.TimestampMs;
        var visible = existing >= 0 && _table[existing].ExpiresAtMs > now;
        var current = visible ? _table[existing].Version : 0;
        var conditionHolds = command.Condition switch
        {
            WriteCondition.IfVersion => visible && current == command.ExpectedVersion,
            WriteCondition.IfAbsent => !visible,
            WriteCondition.IfPresent => visible,
            _ => true,
        };
        if (!conditionHolds)
        {
            return new ApplyResult(ApplyStatus.PreconditionFailed, current, 0);
        }

        var expiresAtMs = command.ExpiryMode switch
        {
            ExpiryMode.At => command.ExpiresAtMs,
            ExpiryMode.Keep when visible => _table[existing].ExpiresAtMs,
            _ => long.MaxValue,
        };

        // Like Redis SET with PXAT in the past: the write succeeds and the key is gone, on every replica at once.
        if (expiresAtMs <= now)
        {
            if (existing >= 0)
            {
                _table.Remove(existing);
            }

            return new ApplyResult(ApplyStatus.Applied, index, 0);
        }

        return Replace(index, command.Key, command.ContentType, command.Value, expiresAtMs, existing, current);
    }

    /// <summary>
    /// Stores a new value for a key (removing the old one at <paramref name="existing"/>, if any) after evicting
    /// down to make room, or refuses when the entry alone exceeds the limit. Version = the log index.
    /// </summary>
    private ApplyResult Replace(
        ulong index, ReadOnlySpan<byte> key, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> value, long expiresAtMs, int existing, ulong current)
    {
        var size = Slot.AccountedSize(key.Length, contentType.Length, value.Length);
        if (size > MemoryLimitBytes)
        {
            return new ApplyResult(ApplyStatus.RefusedMemoryLimit, current, 0);
        }

        if (existing >= 0)
        {
            _table.Remove(existing);
        }

        var evicted = EvictDownTo(MemoryLimitBytes - size);
        Store(key, contentType, value, index, expiresAtMs);
        return new ApplyResult(ApplyStatus.Applied, index, evicted);
    }

    private void Store(ReadOnlySpan<byte> key, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> value, ulong version, long expiresAtMs)
    {
        var code = ContentTypes.CodeOf(contentType);
        if (_shareable is { } array && BlobLayout.TryShare(array, key, contentType, value, out var keyOffset))
        {
            _table.Add(array, keyOffset, key.Length, code, contentType.Length, version, expiresAtMs);
            return;
        }

        var inline = code == ContentTypes.Inline ? contentType : [];
        _table.Add(BlobLayout.Copy(key, inline, value), 0, key.Length, code, inline.Length, version, expiresAtMs);
    }

    /// <summary>
    /// Evicts in heap order (soonest expiry, then lowest version) until the accounted bytes are at most
    /// <paramref name="targetBytes"/>. Callers check first that the target is reachable (it is at least 0).
    /// </summary>
    private long EvictDownTo(long targetBytes)
    {
        long evicted = 0;
        while (_table.AccountedBytes > targetBytes && _table.HeapTop >= 0)
        {
            _table.Remove(_table.HeapTop);
            evicted++;
        }

        EvictedTotal += evicted;
        return evicted;
    }

    private ApplyResult ApplyDelete(ulong index, in CacheCommand command)
    {
        var existing = _table.Find(command.Key);
        var visible = existing >= 0 && _table[existing].ExpiresAtMs > command.TimestampMs;
        var current = visible ? _table[existing].Version : 0;
        if (command.Condition == WriteCondition.IfVersion && (!visible || current != command.ExpectedVersion))
        {
            return new ApplyResult(ApplyStatus.PreconditionFailed, current, 0);
        }

        if (existing >= 0)
        {
            _table.Remove(existing);
        }

        return new ApplyResult(ApplyStatus.Applied, index, visible ? 1 : 0);
    }

    private ApplyResult ApplyFlush(ulong index)
    {
        var removed = _table.Count;
        _table = new EntryTable(_options.HashSeed);
        return new ApplyResult(ApplyStatus.Applied, index, removed);
    }

    private ApplyResult ApplySweep(ulong index, in CacheCommand command)
    {
        long removed = 0;
        while (_table.HeapTop is var top and >= 0 && _table[top].ExpiresAtMs <= command.SweepUpToMs
            && (command.SweepMaxKeys == 0 || removed < command.SweepMaxKeys))
        {
            _table.Remove(top);
            removed++;
        }

        SweptTotal += removed;
        _sessions.ExpireIdle(command.TimestampMs);
        return new ApplyResult(ApplyStatus.Applied, index, removed);
    }

    private ApplyResult ApplyMemoryLimit(ulong index, long limitBytes)
    {
        // Lowering the limit evicts nothing now; the next write evicts down to it, so one command stays cheap.
        MemoryLimitBytes = limitBytes;
        return new ApplyResult(ApplyStatus.Applied, index, 0);
    }
}
