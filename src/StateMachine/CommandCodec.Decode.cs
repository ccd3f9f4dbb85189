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
        var reader = new SpanReader(data);
        var version = reader.ReadByte("format version");
        if (version != CacheCommand.FormatVersion)
        {
            throw new StateMachineFormatException(
                $"Unknown command format version {version}; this build reads version {CacheCommand.FormatVersion}.");
        }

        var kind = (CommandKind)reader.ReadByte("command kind");
        var flags = reader.ReadByte("flags");
        if ((flags & ~FlagSession) != 0)
        {
            throw new StateMachineFormatException($"Unknown command flags 0x{flags:x2}.");
        }

        var timestampMs = reader.ReadInt64("timestamp");
        var session = (flags & FlagSession) != 0 ? ReadSession(ref reader) : (ClientSession?)null;
        var command = kind switch
        {
            CommandKind.Put => ReadPut(ref reader),
            CommandKind.Delete => ReadDelete(ref reader),
            CommandKind.Flush => new CacheCommand(),
            CommandKind.ExpirySweep => new CacheCommand
            {
                SweepUpToMs = reader.ReadInt64("sweep instant"),
                SweepMaxKeys = reader.ReadUInt32("sweep key limit"),
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

    private static ClientSession ReadSession(scoped ref SpanReader reader)
    {
        var session = new ClientSession(
            reader.ReadUInt64("client id"), reader.ReadUInt64("sequence"), reader.ReadUInt64("first unacknowledged"));
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

    private static CacheCommand ReadPut(scoped ref SpanReader reader)
    {
        var (condition, expectedVersion) = ReadCondition(ref reader, allowIfAbsent: true);
        var expiryMode = (ExpiryMode)reader.ReadByte("expiry mode");
        var expiresAtMs = reader.ReadInt64("expiry");
        if (expiryMode is not (ExpiryMode.None or ExpiryMode.At or ExpiryMode.Keep))
        {
            throw new StateMachineFormatException($"Unknown expiry mode {(byte)expiryMode}.");
        }

        if (expiryMode != ExpiryMode.At && expiresAtMs != 0)
        {
            throw new StateMachineFormatException($"Expiry mode {expiryMode} must carry expiry 0, not {expiresAtMs}.");
        }

        var key = ReadKey(ref reader);
        var contentType = reader.ReadBytes(reader.ReadByte("content type length"), "content type");
        var valueLength = reader.ReadInt32("value length");
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
            Value = reader.ReadBytes(valueLength, "value"),
        };
    }

    private static CacheCommand ReadDelete(scoped ref SpanReader reader)
    {
        var (condition, expectedVersion) = ReadCondition(ref reader, allowIfAbsent: false);
        return new CacheCommand { Condition = condition, ExpectedVersion = expectedVersion, Key = ReadKey(ref reader) };
    }

    private static CacheCommand ReadMemoryLimit(scoped ref SpanReader reader)
    {
        var limit = reader.ReadInt64("memory limit");
        if (limit <= 0)
        {
            throw new StateMachineFormatException($"Memory limit {limit} must be positive.");
        }

        return new CacheCommand { MemoryLimitBytes = limit };
    }

    private static (WriteCondition Condition, ulong ExpectedVersion) ReadCondition(scoped ref SpanReader reader, bool allowIfAbsent)
    {
        var condition = (WriteCondition)reader.ReadByte("condition");
        var expected = reader.ReadUInt64("expected version");
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

    private static ReadOnlySpan<byte> ReadKey(scoped ref SpanReader reader)
    {
        var length = reader.ReadUInt16("key length");
        if (length == 0)
        {
            throw new StateMachineFormatException("Key length 0: keys have at least one byte.");
        }

        return reader.ReadBytes(length, "key");
    }
}
