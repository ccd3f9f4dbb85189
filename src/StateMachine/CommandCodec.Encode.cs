// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;

namespace RaftCache.StateMachine;

/// <summary>
/// Encoding of the command format (docs/state-machine.md). The proposer calls these; arguments are checked
/// here so that a node never proposes a command that every replica would reject.
/// </summary>
public static partial class CommandCodec
{
    private const int HeaderBytes = 1 + 1 + 1 + 8;
    private const int SessionBytes = 8 + 8 + 8;

    /// <summary>Encodes a put. <paramref name="expiresAtMs"/> is absolute (Unix ms) and used only with <see cref="ExpiryMode.At"/>.</summary>
    public static byte[] EncodePut(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> value,
        ReadOnlySpan<byte> contentType,
        long timestampMs,
        ExpiryMode expiryMode = ExpiryMode.None,
        long expiresAtMs = 0,
        WriteCondition condition = WriteCondition.None,
        ulong expectedVersion = 0,
        ClientSession? session = null)
    {
        CheckKey(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(contentType.Length, CacheCommand.MaxContentTypeBytes, nameof(contentType));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, CacheCommand.MaxValueBytes, nameof(value));
        if (!Enum.IsDefined(expiryMode))
        {
            throw new ArgumentOutOfRangeException(nameof(expiryMode));
        }

        var expiry = expiryMode == ExpiryMode.At ? expiresAtMs : 0;
        var length = HeaderBytes + (session is null ? 0 : SessionBytes) + 1 + 8 + 1 + 8 + 2 + key.Length
            + 1 + contentType.Length + 4 + value.Length;
        var buffer = new byte[length];
        var span = WriteHeader(buffer, CommandKind.Put, timestampMs, session);
        span = WriteConditionField(span, condition, expectedVersion, allowIfAbsent: true);
        span[0] = (byte)expiryMode;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], expiry);
        span = WriteBytes16(span[9..], key);
        span[0] = (byte)contentType.Length;
        contentType.CopyTo(span[1..]);
        span = span[(1 + contentType.Length)..];
        BinaryPrimitives.WriteInt32LittleEndian(span, value.Length);
        value.CopyTo(span[4..]);
        return buffer;
    }

    /// <summary>Encodes a delete, optionally only if the key has the expected version.</summary>
    public static byte[] EncodeDelete(
        ReadOnlySpan<byte> key,
        long timestampMs,
        WriteCondition condition = WriteCondition.None,
        ulong expectedVersion = 0,
        ClientSession? session = null)
    {
        CheckKey(key);
        var buffer = new byte[HeaderBytes + (session is null ? 0 : SessionBytes) + 1 + 8 + 2 + key.Length];
        var span = WriteHeader(buffer, CommandKind.Delete, timestampMs, session);
        span = WriteConditionField(span, condition, expectedVersion, allowIfAbsent: false);
        WriteBytes16(span, key);
        return buffer;
    }

    public static byte[] EncodeFlush(long timestampMs, ClientSession? session = null)
    {
        var buffer = new byte[HeaderBytes + (session is null ? 0 : SessionBytes)];
        WriteHeader(buffer, CommandKind.Flush, timestampMs, session);
        return buffer;
    }

    /// <summary>Encodes a sweep of keys expired at <paramref name="upToMs"/>; also expires idle sessions.</summary>
    public static byte[] EncodeExpirySweep(long timestampMs, long upToMs, uint maxKeys = 0)
    {
        var buffer = new byte[HeaderBytes + 8 + 4];
        var span = WriteHeader(buffer, CommandKind.ExpirySweep, timestampMs, session: null);
        BinaryPrimitives.WriteInt64LittleEndian(span, upToMs);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], maxKeys);
        return buffer;
    }

    public static byte[] EncodeSetMemoryLimit(long timestampMs, long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitBytes);
        var buffer = new byte[HeaderBytes + 8];
        var span = WriteHeader(buffer, CommandKind.SetMemoryLimit, timestampMs, session: null);
        BinaryPrimitives.WriteInt64LittleEndian(span, limitBytes);
        return buffer;
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        ArgumentOutOfRangeException.ThrowIfZero(key.Length, nameof(key));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, CacheCommand.MaxKeyBytes, nameof(key));
    }

    private static Span<byte> WriteHeader(Span<byte> buffer, CommandKind kind, long timestampMs, ClientSession? session)
    {
        buffer[0] = CacheCommand.FormatVersion;
        buffer[1] = (byte)kind;
        buffer[2] = session is null ? (byte)0 : FlagSession;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[3..], timestampMs);
        if (session is not { } s)
        {
            return buffer[HeaderBytes..];
        }

        if (s.ClientId == 0 || s.FirstUnacknowledged > s.Sequence)
        {
            throw new ArgumentException("Client id must be non-zero and FirstUnacknowledged at most Sequence.", nameof(session));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(buffer[HeaderBytes..], s.ClientId);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer[(HeaderBytes + 8)..], s.Sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer[(HeaderBytes + 16)..], s.FirstUnacknowledged);
        return buffer[(HeaderBytes + SessionBytes)..];
    }

    private static Span<byte> WriteConditionField(Span<byte> span, WriteCondition condition, ulong expectedVersion, bool allowIfAbsent)
    {
        var valid = condition is WriteCondition.None or WriteCondition.IfVersion
            || (allowIfAbsent && condition is WriteCondition.IfAbsent or WriteCondition.IfPresent);
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(nameof(condition));
        }

        span[0] = (byte)condition;
        BinaryPrimitives.WriteUInt64LittleEndian(span[1..], condition == WriteCondition.IfVersion ? expectedVersion : 0);
        return span[9..];
    }

    private static Span<byte> WriteBytes16(Span<byte> span, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)bytes.Length);
        bytes.CopyTo(span[2..]);
        return span[(2 + bytes.Length)..];
    }
}
