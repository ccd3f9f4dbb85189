// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// The read-modify-write kinds. Each computes its new value from the applied state and the command alone, so every
/// replica stores the same bytes; a type or number error changes nothing and is returned as a status.
/// </summary>
public sealed partial class CacheStateMachine
{
    /// <summary>The content type of values created by increments and appends (raw bytes, as a Redis client writes them).</summary>
    public static ReadOnlySpan<byte> RawContentType => "application/octet-stream"u8;

    private ApplyResult ApplyIncrementBy(ulong index, in CacheCommand command)
    {
        var (existing, visible) = Lookup(command.Key, command.TimestampMs);
        var current = visible ? _table[existing].Version : 0;
        long value = 0;
        if (visible)
        {
            if (HashValue.IsHash(_table[existing].ContentType)) return new ApplyResult(ApplyStatus.WrongType, current, 0);
            if (!IntegerText.TryParse(_table[existing].Value, out value)) return new ApplyResult(ApplyStatus.NotAnInteger, current, 0);
        }

        if (!TryAdd(value, command.Delta, out var sum)) return new ApplyResult(ApplyStatus.Overflow, current, 0);
        var result = Replace(
            index, command.Key, visible ? _table[existing].ContentType : RawContentType, IntegerText.Format(sum),
            visible ? _table[existing].ExpiresAtMs : long.MaxValue, existing, current);
        return result.Succeeded ? result with { Count = sum } : result;
    }

    private ApplyResult ApplyAppend(ulong index, in CacheCommand command)
    {
        var (existing, visible) = Lookup(command.Key, command.TimestampMs);
        var current = visible ? _table[existing].Version : 0;
        if (visible && HashValue.IsHash(_table[existing].ContentType)) return new ApplyResult(ApplyStatus.WrongType, current, 0);
        var old = visible ? _table[existing].Value : [];
        if ((long)old.Length + command.Value.Length > CacheCommand.MaxValueBytes) return new ApplyResult(ApplyStatus.RefusedMemoryLimit, current, 0);
        var value = new byte[old.Length + command.Value.Length];
        old.CopyTo(value);
        command.Value.CopyTo(value.AsSpan(old.Length));
        var result = Replace(
            index, command.Key, visible ? _table[existing].ContentType : RawContentType, value,
            visible ? _table[existing].ExpiresAtMs : long.MaxValue, existing, current);
        return result.Succeeded ? result with { Count = value.Length } : result;
    }

    private ApplyResult ApplySetExpiry(ulong index, in CacheCommand command)
    {
        var (existing, visible) = Lookup(command.Key, command.TimestampMs);
        var current = visible ? _table[existing].Version : 0;
        if (command.Condition == WriteCondition.IfVersion && (!visible || current != command.ExpectedVersion))
        {
            return new ApplyResult(ApplyStatus.PreconditionFailed, current, 0);
        }

        var expiresAtMs = command.ExpiryMode == ExpiryMode.At ? command.ExpiresAtMs : long.MaxValue;
        if (!visible || (command.ExpiryMode == ExpiryMode.None && _table[existing].ExpiresAtMs == long.MaxValue))
        {
            return new ApplyResult(ApplyStatus.Applied, index, 0);
        }

        // An expiry at or before the command's own time removes the key at once, as Redis EXPIRE with a past time does.
        var slot = _table[existing];
        _table.Remove(existing);
        if (expiresAtMs > command.TimestampMs)
        {
            // The blob is immutable and keeps its size, so it is shared and nothing needs evicting.
            _table.Add(slot.Blob!, slot.KeyOffset, slot.KeyLength, slot.ContentTypeCode, slot.ContentTypeLength, index, expiresAtMs);
        }

        return new ApplyResult(ApplyStatus.Applied, index, 1);
    }

    private ApplyResult ApplyHashSet(ulong index, in CacheCommand command)
    {
        if (!TryOpenHash(command, out var existing, out var current, out var fields, out var refused)) return refused;
        long added = 0;
        var rest = command.Fields;
        for (var i = 0; i < command.FieldCount; i++)
        {
            HashValue.TryTake(ref rest, out var field);
            HashValue.TryTake(ref rest, out var value);
            var name = field.ToArray();
            var present = fields.ContainsKey(name);
            if (present && command.OnlyNewFields) continue;
            fields[name] = value.ToArray();
            if (!present) added++;
        }

        if (added == 0 && command.OnlyNewFields) return new ApplyResult(ApplyStatus.Applied, index, 0);
        var result = StoreHash(index, command, existing, current, fields);
        return result.Succeeded ? result with { Count = added } : result;
    }

    private ApplyResult ApplyHashDelete(ulong index, in CacheCommand command)
    {
        if (!TryOpenHash(command, out var existing, out var current, out var fields, out var refused)) return refused;
        long removed = 0;
        var rest = command.Fields;
        for (var i = 0; i < command.FieldCount; i++)
        {
            HashValue.TryTake(ref rest, out var field);
            if (fields.Remove(field.ToArray())) removed++;
        }

        if (removed == 0) return new ApplyResult(ApplyStatus.Applied, index, 0);
        if (fields.Count == 0)
        {
            _table.Remove(existing);
            return new ApplyResult(ApplyStatus.Applied, index, removed);
        }

        var result = StoreHash(index, command, existing, current, fields);
        return result.Succeeded ? result with { Count = removed } : result;
    }

    private ApplyResult ApplyHashIncrementBy(ulong index, in CacheCommand command)
    {
        if (!TryOpenHash(command, out var existing, out var current, out var fields, out var refused)) return refused;
        var name = command.Value.ToArray();
        long value = 0;
        if (fields.TryGetValue(name, out var text) && !IntegerText.TryParse(text, out value))
        {
            return new ApplyResult(ApplyStatus.NotAnInteger, current, 0);
        }

        if (!TryAdd(value, command.Delta, out var sum)) return new ApplyResult(ApplyStatus.Overflow, current, 0);
        fields[name] = IntegerText.Format(sum);
        var result = StoreHash(index, command, existing, current, fields);
        return result.Succeeded ? result with { Count = sum } : result;
    }

    /// <summary>The visible hash's fields (empty when the key is absent), or false with WrongType for any other value.</summary>
    private bool TryOpenHash(in CacheCommand command, out int existing, out ulong current, out SortedDictionary<byte[], byte[]> fields, out ApplyResult refused)
    {
        (existing, var visible) = Lookup(command.Key, command.TimestampMs);
        current = visible ? _table[existing].Version : 0;
        refused = new ApplyResult(ApplyStatus.WrongType, current, 0);
        fields = new SortedDictionary<byte[], byte[]>(ByteOrder.Instance);
        if (!visible) return true;
        return HashValue.IsHash(_table[existing].ContentType) && HashValue.TryDecode(_table[existing].Value, out fields);
    }

    private ApplyResult StoreHash(ulong index, in CacheCommand command, int existing, ulong current, SortedDictionary<byte[], byte[]> fields)
    {
        var length = 4L;
        foreach (var (field, value) in fields) length += 8L + field.Length + value.Length;
        if (length > CacheCommand.MaxValueBytes) return new ApplyResult(ApplyStatus.RefusedMemoryLimit, current, 0);
        var expiresAtMs = existing >= 0 && current != 0 ? _table[existing].ExpiresAtMs : long.MaxValue;
        return Replace(index, command.Key, HashValue.ContentType, HashValue.Encode(fields), expiresAtMs, existing, current);
    }

    /// <summary>The key's slot (or -1) and whether it is visible at <paramref name="nowMs"/>.</summary>
    private (int Existing, bool Visible) Lookup(ReadOnlySpan<byte> key, long nowMs)
    {
        var existing = _table.Find(key);
        return (existing, existing >= 0 && _table[existing].ExpiresAtMs > nowMs);
    }

    private static bool TryAdd(long value, long delta, out long sum)
    {
        sum = unchecked(value + delta);
        return !(((value ^ sum) & (delta ^ sum)) < 0);
    }
}
