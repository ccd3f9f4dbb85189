// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>Commands over several keys of one shard, applied as one log entry.</summary>
public static partial class CommandCodec
{
    /// <summary>
    /// Encodes MSETNX: raw values (application/octet-stream, no expiry) stored under every key only if none is visible.
    /// The pairs use the hash field layout (u32 count, then u32 length + bytes for each key and each value).
    /// </summary>
    public static byte[] EncodePutAllIfAbsent(IReadOnlyList<(byte[] Key, byte[] Value)> pairs, long timestampMs, ClientSession? session = null)
    {
        CheckFieldCount(pairs.Count);
        foreach (var (key, _) in pairs)
        {
            CheckKey(key);
        }

        var pairBytes = pairs.Sum(p => 8L + p.Key.Length + p.Value.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pairBytes, CacheCommand.MaxValueBytes, nameof(pairs));
        var buffer = new byte[HeaderBytes + SessionLength(session) + 4 + pairBytes];
        var span = WriteHeader(buffer, CommandKind.PutAllIfAbsent, timestampMs, session);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)pairs.Count);
        span = span[4..];
        foreach (var (key, value) in pairs)
        {
            span = HashValue.Put(span, key);
            span = HashValue.Put(span, value);
        }

        return buffer;
    }

    private static CacheCommand ReadPutAllIfAbsent(scoped ref FormatReader reader)
    {
        var count = ReadFieldList(ref reader, perField: 2, out var pairs);
        var rest = pairs;
        for (var i = 0; i < count; i++)
        {
            HashValue.TryTake(ref rest, out var key);
            HashValue.TryTake(ref rest, out var value);
            if (key.IsEmpty || key.Length > CacheCommand.MaxKeyBytes)
            {
                throw new StateMachineFormatException($"Key {i} of {count}: length {key.Length} is outside 1..{CacheCommand.MaxKeyBytes}.");
            }

            if (value.Length > CacheCommand.MaxValueBytes)
            {
                throw new StateMachineFormatException($"Value {i} of {count}: length {value.Length} is above {CacheCommand.MaxValueBytes}.");
            }
        }

        return new CacheCommand { Fields = pairs, FieldCount = count };
    }
}
