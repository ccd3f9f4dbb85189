// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>Decoding of the read-modify-write kinds; the same checks as the rest of the format.</summary>
public static partial class CommandCodec
{
    private static CacheCommand ReadIncrementBy(scoped ref FormatReader reader) =>
        new() { Key = ReadKey(ref reader), Delta = reader.Int64("delta") };

    private static CacheCommand ReadAppend(scoped ref FormatReader reader)
    {
        var key = ReadKey(ref reader);
        return new CacheCommand { Key = key, Value = ReadBytes32(ref reader, "value") };
    }

    private static CacheCommand ReadSetExpiry(scoped ref FormatReader reader)
    {
        var (condition, expectedVersion) = ReadCondition(ref reader, allowIfAbsent: false);
        var mode = (ExpiryMode)reader.Byte("expiry mode");
        var expiresAtMs = reader.Int64("expiry");
        if (mode is not (ExpiryMode.None or ExpiryMode.At))
        {
            throw new StateMachineFormatException($"Expiry mode {(byte)mode} is not valid for SetExpiry.");
        }

        if (mode != ExpiryMode.At && expiresAtMs != 0)
        {
            throw new StateMachineFormatException($"Expiry mode {mode} must carry expiry 0, not {expiresAtMs}.");
        }

        return new CacheCommand
        {
            Condition = condition, ExpectedVersion = expectedVersion, ExpiryMode = mode, ExpiresAtMs = expiresAtMs, Key = ReadKey(ref reader),
        };
    }

    private static CacheCommand ReadHashSet(scoped ref FormatReader reader)
    {
        var flags = reader.Byte("hash flags");
        if (flags > 1)
        {
            throw new StateMachineFormatException($"Unknown hash flags 0x{flags:x2}.");
        }

        var key = ReadKey(ref reader);
        var count = ReadFieldList(ref reader, perField: 2, out var fields);
        return new CacheCommand { Key = key, OnlyNewFields = flags == 1, Fields = fields, FieldCount = count };
    }

    private static CacheCommand ReadHashDelete(scoped ref FormatReader reader)
    {
        var key = ReadKey(ref reader);
        var count = ReadFieldList(ref reader, perField: 1, out var fields);
        return new CacheCommand { Key = key, Fields = fields, FieldCount = count };
    }

    private static CacheCommand ReadHashIncrementBy(scoped ref FormatReader reader)
    {
        var key = ReadKey(ref reader);
        var field = ReadBytes32(ref reader, "field");
        return new CacheCommand { Key = key, Value = field, Delta = reader.Int64("delta") };
    }

    /// <summary>The rest of the command up to the fields' end, checked item by item (lengths within bounds).</summary>
    private static int ReadFieldList(scoped ref FormatReader reader, int perField, out ReadOnlySpan<byte> fields)
    {
        var count = reader.UInt32("field count");
        if (count == 0 || count > MaxFieldsPerCommand)
        {
            throw new StateMachineFormatException($"Field count {count} is outside 1..{MaxFieldsPerCommand}.");
        }

        fields = reader.Take(reader.Remaining, "fields");
        var rest = fields;
        for (var i = 0L; i < count * perField; i++)
        {
            if (!HashValue.TryTake(ref rest, out _))
            {
                throw new StateMachineFormatException($"Truncated field list: item {i} of {count * perField}.");
            }
        }

        if (!rest.IsEmpty)
        {
            throw new StateMachineFormatException($"Field list: {rest.Length} unexpected trailing byte(s).");
        }

        return (int)count;
    }

    private static ReadOnlySpan<byte> ReadBytes32(scoped ref FormatReader reader, string field)
    {
        var length = reader.Int32(field + " length");
        if (length is < 0 or > CacheCommand.MaxValueBytes)
        {
            throw new StateMachineFormatException($"{field} length {length} is outside 0..{CacheCommand.MaxValueBytes}.");
        }

        return reader.Take(length, field);
    }
}
