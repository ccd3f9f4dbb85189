// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>Applying commands over several keys at one log index.</summary>
public sealed partial class CacheStateMachine
{
    /// <summary>
    /// MSETNX: every key absent (or expired) at the command's time, or nothing changes (precondition failed). The
    /// memory limit is checked against all the new entries together, and eviction makes room for all of them before
    /// the first is stored, so one of them can never be evicted by another. A key given twice keeps its last value.
    /// Count: 1 when the values were stored, else 0.
    /// </summary>
    private ApplyResult ApplyPutAllIfAbsent(ulong index, in CacheCommand command)
    {
        var now = command.TimestampMs;
        long total = 0;
        var rest = command.Fields;
        for (var i = 0; i < command.FieldCount; i++)
        {
            HashValue.TryTake(ref rest, out var key);
            HashValue.TryTake(ref rest, out var value);
            var existing = _table.Find(key);
            if (existing >= 0 && _table[existing].ExpiresAtMs > now)
            {
                return new ApplyResult(ApplyStatus.PreconditionFailed, _table[existing].Version, 0);
            }

            total += Slot.AccountedSize(key.Length, RawContentType.Length, value.Length);
        }

        if (total > MemoryLimitBytes)
        {
            return new ApplyResult(ApplyStatus.RefusedMemoryLimit, 0, 0);
        }

        // Expired leftovers of these keys go first, so that eviction counts only what stays.
        rest = command.Fields;
        for (var i = 0; i < command.FieldCount; i++)
        {
            HashValue.TryTake(ref rest, out var key);
            HashValue.TryTake(ref rest, out _);
            if (_table.Find(key) is var stale and >= 0)
            {
                _table.Remove(stale);
            }
        }

        EvictDownTo(MemoryLimitBytes - total);
        rest = command.Fields;
        for (var i = 0; i < command.FieldCount; i++)
        {
            HashValue.TryTake(ref rest, out var key);
            HashValue.TryTake(ref rest, out var value);
            if (_table.Find(key) is var duplicate and >= 0)
            {
                _table.Remove(duplicate);
            }

            Store(key, RawContentType, value, index, long.MaxValue);
        }

        return new ApplyResult(ApplyStatus.Applied, index, 1);
    }
}
