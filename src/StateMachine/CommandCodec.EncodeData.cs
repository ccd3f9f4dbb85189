// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;

namespace RaftCache.StateMachine;

/// <summary>Encoding of the read-modify-write kinds (increments, append, expiry changes, hashes).</summary>
public static partial class CommandCodec
{
    /// <summary>Most fields one hash command may carry; also bounded by the value limit.</summary>
    public const int MaxFieldsPerCommand = 1 << 16;

    public static byte[] EncodeIncrementBy(ReadOnlySpan<byte> key, long delta, long timestampMs, ClientSession? session = null)
    {
        CheckKey(key);
        var buffer = new byte[HeaderBytes + SessionLength(session) + 2 + key.Length + 8];
        var span = WriteHeader(buffer, CommandKind.IncrementBy, timestampMs, session);
        span = WriteBytes16(span, key);
        BinaryPrimitives.WriteInt64LittleEndian(span, delta);
        return buffer;
    }

    public static byte[] EncodeAppend(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long timestampMs, ClientSession? session = null)
    {
        CheckKey(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, CacheCommand.MaxValueBytes, nameof(value));
        var buffer = new byte[HeaderBytes + SessionLength(session) + 2 + key.Length + 4 + value.Length];
        var span = WriteHeader(buffer, CommandKind.Append, timestampMs, session);
        span = WriteBytes16(span, key);
        HashValue.Put(span, value);
        return buffer;
    }

    /// <summary>
    /// Sets (<see cref="ExpiryMode.At"/>) or clears (<see cref="ExpiryMode.None"/>) a visible key's expiry, optionally
    /// only at the expected version (so a read-then-expire such as GETEX is atomic).
    /// </summary>
    public static byte[] EncodeSetExpiry(
        ReadOnlySpan<byte> key,
        ExpiryMode mode,
        long expiresAtMs,
        long timestampMs,
        WriteCondition condition = WriteCondition.None,
        ulong expectedVersion = 0,
        ClientSession? session = null)
    {
        CheckKey(key);
        if (mode is not (ExpiryMode.None or ExpiryMode.At))
        {
            throw new ArgumentOutOfRangeException(nameof(mode));
        }

        var buffer = new byte[HeaderBytes + SessionLength(session) + 1 + 8 + 1 + 8 + 2 + key.Length];
        var span = WriteHeader(buffer, CommandKind.SetExpiry, timestampMs, session);
        span = WriteConditionField(span, condition, expectedVersion, allowIfAbsent: false);
        span[0] = (byte)mode;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], mode == ExpiryMode.At ? expiresAtMs : 0);
        WriteBytes16(span[9..], key);
        return buffer;
    }

    /// <summary>Sets the given fields; with <paramref name="onlyNewFields"/> only those not present (HSETNX).</summary>
    public static byte[] EncodeHashSet(
        ReadOnlySpan<byte> key, IReadOnlyList<(byte[] Field, byte[] Value)> pairs, bool onlyNewFields, long timestampMs, ClientSession? session = null)
    {
        CheckKey(key);
        CheckFieldCount(pairs.Count);
        var fieldBytes = pairs.Sum(p => 8L + p.Field.Length + p.Value.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fieldBytes, CacheCommand.MaxValueBytes, nameof(pairs));
        var buffer = new byte[HeaderBytes + SessionLength(session) + 1 + 2 + key.Length + 4 + fieldBytes];
        var span = WriteHeader(buffer, CommandKind.HashSet, timestampMs, session);
        span[0] = onlyNewFields ? (byte)1 : (byte)0;
        span = WriteBytes16(span[1..], key);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)pairs.Count);
        span = span[4..];
        foreach (var (field, value) in pairs)
        {
            span = HashValue.Put(span, field);
            span = HashValue.Put(span, value);
        }

        return buffer;
    }

    public static byte[] EncodeHashDelete(ReadOnlySpan<byte> key, IReadOnlyList<byte[]> fields, long timestampMs, ClientSession? session = null)
    {
        CheckKey(key);
        CheckFieldCount(fields.Count);
        var fieldBytes = fields.Sum(f => 4L + f.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fieldBytes, CacheCommand.MaxValueBytes, nameof(fields));
        var buffer = new byte[HeaderBytes + SessionLength(session) + 2 + key.Length + 4 + fieldBytes];
        var span = WriteHeader(buffer, CommandKind.HashDelete, timestampMs, session);
        span = WriteBytes16(span, key);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)fields.Count);
        span = span[4..];
        foreach (var field in fields) span = HashValue.Put(span, field);
        return buffer;
    }

    public static byte[] EncodeHashIncrementBy(
        ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, long delta, long timestampMs, ClientSession? session = null)
    {
        CheckKey(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(field.Length, CacheCommand.MaxValueBytes, nameof(field));
        var buffer = new byte[HeaderBytes + SessionLength(session) + 2 + key.Length + 4 + field.Length + 8];
        var span = WriteHeader(buffer, CommandKind.HashIncrementBy, timestampMs, session);
        span = WriteBytes16(span, key);
        span = HashValue.Put(span, field);
        BinaryPrimitives.WriteInt64LittleEndian(span, delta);
        return buffer;
    }

    private static int SessionLength(ClientSession? session) => session is null ? 0 : SessionBytes;

    private static void CheckFieldCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfZero(count, "fields");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxFieldsPerCommand, "fields");
    }
}
