// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.StateMachine;

namespace RaftCache.Resp;

/// <summary>Hashes: one entry per key holding the field map (<see cref="HashValue"/>); writes computed at apply time.</summary>
public static partial class RespHandlers
{
    internal static Task HSet(RespSession s, byte[][] args) => HashSetAsync(s, args, onlyNew: false, replyOk: false);

    internal static Task HMSet(RespSession s, byte[][] args) => HashSetAsync(s, args, onlyNew: false, replyOk: true);

    internal static Task HSetNx(RespSession s, byte[][] args) => HashSetAsync(s, args, onlyNew: true, replyOk: false);

    private static async Task HashSetAsync(RespSession s, byte[][] args, bool onlyNew, bool replyOk)
    {
        if (args.Length % 2 != 0)
        {
            s.Writer.Error(RespErrors.WrongArity(Word(args[0])));
            return;
        }

        if (TooLarge(s, args)) return;
        var pairs = new List<(byte[] Field, byte[] Value)>();
        for (var i = 2; i < args.Length; i += 2) pairs.Add((args[i], args[i + 1]));
        var result = await WriteAsync(s, args[1], (session, now) => CommandCodec.EncodeHashSet(args[1], pairs, onlyNew, now, session));
        if (WriteFailed(s, result)) return;
        if (replyOk) s.Writer.Ok();
        else s.Writer.Integer(result.Result.Count);
    }

    internal static async Task HDel(RespSession s, byte[][] args)
    {
        var fields = args.Skip(2).ToArray();
        var result = await WriteAsync(s, args[1], (session, now) => CommandCodec.EncodeHashDelete(args[1], fields, now, session));
        if (!WriteFailed(s, result)) s.Writer.Integer(result.Result.Count);
    }

    internal static async Task HIncrBy(RespSession s, byte[][] args)
    {
        if (!TryInteger(args[3], out var delta))
        {
            s.Writer.Error(RespErrors.NotInteger);
            return;
        }

        var result = await WriteAsync(s, args[1], (session, now) => CommandCodec.EncodeHashIncrementBy(args[1], args[2], delta, now, session));
        if (!WriteFailed(s, result, hashField: true)) s.Writer.Integer(result.Result.Count);
    }

    /// <summary>Reads the hash at args[1]: its fields (empty when absent), or null after writing an error.</summary>
    private static async Task<SortedDictionary<byte[], byte[]>?> ReadHashAsync(RespSession s, byte[][] args)
    {
        var read = await ReadAsync(s, args[1]);
        if (ReadFailed(s, read)) return null;
        if (read.Entry is not { } entry) return new SortedDictionary<byte[], byte[]>(ByteOrder.Instance);
        if (IsWrongType(s, entry, wantHash: true)) return null;
        if (HashValue.TryDecode(entry.Value.Span, out var fields)) return fields;
        s.Writer.Error(RespErrors.WrongType);
        return null;
    }

    internal static async Task HGet(RespSession s, byte[][] args)
    {
        if (await ReadHashAsync(s, args) is not { } fields) return;
        if (fields.TryGetValue(args[2], out var value)) s.Writer.Bulk(value);
        else s.Writer.Null();
    }

    internal static async Task HMGet(RespSession s, byte[][] args)
    {
        if (await ReadHashAsync(s, args) is not { } fields) return;
        s.Writer.Array(args.Length - 2);
        foreach (var field in args.Skip(2))
        {
            if (fields.TryGetValue(field, out var value)) s.Writer.Bulk(value);
            else s.Writer.Null();
        }
    }

    internal static async Task HGetAll(RespSession s, byte[][] args)
    {
        if (await ReadHashAsync(s, args) is not { } fields) return;
        s.Writer.Map(fields.Count);
        foreach (var (field, value) in fields)
        {
            s.Writer.Bulk(field);
            s.Writer.Bulk(value);
        }
    }

    internal static async Task HExists(RespSession s, byte[][] args)
    {
        if (await ReadHashAsync(s, args) is { } fields) s.Writer.Integer(fields.ContainsKey(args[2]) ? 1 : 0);
    }

    internal static async Task HLen(RespSession s, byte[][] args)
    {
        if (await ReadHashAsync(s, args) is { } fields) s.Writer.Integer(fields.Count);
    }

    internal static async Task HKeys(RespSession s, byte[][] args)
    {
        if (await ReadHashAsync(s, args) is not { } fields) return;
        s.Writer.Array(fields.Count);
        foreach (var field in fields.Keys) s.Writer.Bulk(field);
    }

    internal static async Task HVals(RespSession s, byte[][] args)
    {
        if (await ReadHashAsync(s, args) is not { } fields) return;
        s.Writer.Array(fields.Count);
        foreach (var value in fields.Values) s.Writer.Bulk(value);
    }
}
