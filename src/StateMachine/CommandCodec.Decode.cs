// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>Decoding of the command format; every malformed input ends in a <see cref="StateMachineFormatException"/>.</summary>
public static partial class CommandCodec
{
    private const byte FlagSession = 1;

    /// <summary>Decodes one command, checking every field and that no byte is left over.</summary>
    /// <exception cref="StateMachineFormatException">The bytes are not exactly one valid command of a known version.</exception>
    public static CacheCommand Decode(ReadOnlySpan<byte> data)
    {
        var reader = new FormatReader(data);
        var version = reader.Byte("format version");
        if (version != CacheCommand.FormatVersion)
        {
            throw new StateMachineFormatException(
                $"Unknown command format version {version}; this build reads version {CacheCommand.FormatVersion}.");
        }

        var kind = (CommandKind)reader.Byte("command kind");
        var flags = reader.Byte("flags");
        if ((flags & ~FlagSession) != 0)
        {
            throw new StateMachineFormatException($"Unknown command flags 0x{flags:x2}.");
        }

        var timestampMs = reader.Int64("timestamp");
        var session = (flags & FlagSession) != 0 ? ReadSession(ref reader) : (ClientSession?)null;
        var command = kind switch
        {
            CommandKind.Put => ReadPut(ref reader),
            CommandKind.Delete => ReadDelete(ref reader),
            CommandKind.Flush => new CacheCommand(),
            CommandKind.ExpirySweep => new CacheCommand
            {
                SweepUpToMs = reader.Int64("sweep instant"),
                SweepMaxKeys = reader.UInt32("sweep key limit"),
            },
            CommandKind.SetMemoryLimit => ReadMemoryLimit(ref reader),
            CommandKind.IncrementBy => ReadIncrementBy(ref reader),
            CommandKind.Append => ReadAppend(ref reader),
            CommandKind.SetExpiry => ReadSetExpiry(ref reader),
            CommandKind.HashSet => ReadHashSet(ref reader),
            CommandKind.HashDelete => ReadHashDelete(ref reader),
            CommandKind.HashIncrementBy => ReadHashIncrementBy(ref reader),
            CommandKind.PutAllIfAbsent => ReadPutAllIfAbsent(ref reader),
            _ => throw new StateMachineFormatException($"Unknown command kind {(byte)kind}."),
        };
        if (reader.Remaining != 0)
        {
            throw new StateMachineFormatException($"{kind} command: {reader.Remaining} unexpected trailing byte(s).");
        }

        return command with { Kind = kind, TimestampMs = timestampMs, Session = session };
    }

    private static ClientSession ReadSession(scoped ref FormatReader reader)
    {
        var session = new ClientSession(
            reader.UInt64("client id"), reader.UInt64("sequence"), reader.UInt64("first unacknowledged"));
        if (session.ClientId == 0)
        {
            throw new StateMachineFormatException("Client id 0 is reserved for writes without a session.");
        }

        if (session.FirstUnacknowledged > session.Sequence)
        {
            throw new StateMachineFormatException(
                $"First unacknowledged sequence {session.FirstUnacknowledged} is above the write's own {session.Sequence}.");
        }

        return session;
    }

    private static CacheCommand ReadPut(scoped ref FormatReader reader)
    {
        var (condition, expectedVersion) = ReadCondition(ref reader, allowIfAbsent: true);
        var expiryMode = (ExpiryMode)reader.Byte("expiry mode");
        var expiresAtMs = reader.Int64("expiry");
        if (expiryMode is not (ExpiryMode.None or ExpiryMode.At or ExpiryMode.Keep))
        {
            throw new StateMachineFormatException($"Unknown expiry mode {(byte)expiryMode}.");
        }

        if (expiryMode != ExpiryMode.At && expiresAtMs != 0)
        {
            throw new StateMachineFormatException($"Expiry mode {expiryMode} must carry expiry 0, not {expiresAtMs}.");
        }

        var key = ReadKey(ref reader);
        var contentType = reader.Take(reader.Byte("content type length"), "content type");
        var valueLength = reader.Int32("value length");
        if (valueLength is < 0 or > CacheCommand.MaxValueBytes)
        {
            throw new StateMachineFormatException(
                $"Value length {valueLength} is outside 0..{CacheCommand.MaxValueBytes}.");
        }

        return new CacheCommand
        {
            Condition = condition,
            ExpectedVersion = expectedVersion,
            ExpiryMode = expiryMode,
            ExpiresAtMs = expiresAtMs,
            Key = key,
            ContentType = contentType,
            Value = reader.Take(valueLength, "value"),
        };
    }

    private static CacheCommand ReadDelete(scoped ref FormatReader reader)
    {
        var (condition, expectedVersion) = ReadCondition(ref reader, allowIfAbsent: false);
        return new CacheCommand { Condition = condition, ExpectedVersion = expectedVersion, Key = ReadKey(ref reader) };
    }

    private static CacheCommand ReadMemoryLimit(scoped ref FormatReader reader)
    {
        var limit = reader.Int64("memory limit");
        if (limit <= 0)
        {
            throw new StateMachineFormatException($"Memory limit {limit} must be positive.");
        }

        return new CacheCommand { MemoryLimitBytes = limit };
    }

    private static (WriteCondition Condition, ulong ExpectedVersion) ReadCondition(scoped ref FormatReader reader, bool allowIfAbsent)
    {
        var condition = (WriteCondition)reader.Byte("condition");
        var expected = reader.UInt64("expected version");
        var known = condition is WriteCondition.None or WriteCondition.IfVersion
            || (allowIfAbsent && condition is WriteCondition.IfAbsent or WriteCondition.IfPresent);
        if (!known)
        {
            throw new StateMachineFormatException($"Condition {(byte)condition} is not valid here.");
        }

        if (condition != WriteCondition.IfVersion && expected != 0)
        {
            throw new StateMachineFormatException($"Condition {condition} must carry expected version 0, not {expected}.");
        }

        return (condition, expected);
    }

    private static ReadOnlySpan<byte> ReadKey(scoped ref FormatReader reader)
    {
        var length = reader.UInt16("key length");
        if (length == 0)
        {
            throw new StateMachineFormatException("Key length 0: keys have at least one byte.");
        }

        return reader.Take(length, "key");
    }
}
