// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.StateMachine;

namespace RaftCache.Resp;

/// <summary>GET, SET and its variants, APPEND, STRLEN, MGET, MSET, the integer increments.</summary>
public static partial class RespHandlers
{
    private static ReadOnlySpan<byte> Raw => CacheStateMachine.RawContentType;

    internal static async Task Get(RespSession s, byte[][] args)
    {
        var read = await ReadAsync(s, args[1]);
        if (ReadFailed(s, read)) return;
        if (read.Entry is not { } entry) s.Writer.Null();
        else if (!IsWrongType(s, entry, wantHash: false)) s.Writer.Bulk(entry.Value.Span);
    }

    /// <summary>SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL].</summary>
    internal static async Task Set(RespSession s, byte[][] args)
    {
        var condition = WriteCondition.None;
        var mode = ExpiryMode.None;
        long atMs = 0;
        var get = false;
        var expirySeen = false;
        for (var i = 3; i < args.Length; i++)
        {
            var parsed = TryExpiryOption(s, args, ref i, "set", out var at);
            if (parsed == false) return;
            var word = Word(args[i]);
            var valid = parsed == true ? !expirySeen : word switch
            {
                "NX" => condition == WriteCondition.None,
                "XX" => condition == WriteCondition.None,
                "GET" => !get,
                "KEEPTTL" => !expirySeen,
                _ => false,
            };
            if (!valid)
            {
                s.Writer.Error(RespErrors.Syntax);
                return;
            }

            if (parsed == true) (mode, atMs, expirySeen) = (ExpiryMode.At, at, true);
            else if (word == "NX") condition = WriteCondition.IfAbsent;
            else if (word == "XX") condition = WriteCondition.IfPresent;
            else if (word == "GET") get = true;
            else (mode, expirySeen) = (ExpiryMode.Keep, true);
        }

        if (TooLarge(s, args[2])) return;
        if (get)
        {
            await SetAndGetAsync(s, args[1], args[2], condition, mode, atMs);
            return;
        }

        var result = await WriteAsync(s, args[1], (session, now) => CommandCodec.EncodePut(args[1], args[2], Raw, now, mode, atMs, condition, 0, session));
        if (WriteFailed(s, result)) return;
        if (result.Status == RespWriteStatus.PreconditionFailed) s.Writer.Null();
        else s.Writer.Ok();
    }

    internal static async Task SetNx(RespSession s, byte[][] args)
    {
        if (TooLarge(s, args[2])) return;
        var result = await WriteAsync(s, args[1], (session, now) =>
            CommandCodec.EncodePut(args[1], args[2], Raw, now, condition: WriteCondition.IfAbsent, session: session));
        if (!WriteFailed(s, result)) s.Writer.Integer(result.Status == RespWriteStatus.Applied ? 1 : 0);
    }

    internal static Task SetEx(RespSession s, byte[][] args) => SetWithTtl(s, args, "EX", "setex");

    internal static Task PSetEx(RespSession s, byte[][] args) => SetWithTtl(s, args, "PX", "psetex");

    private static async Task SetWithTtl(RespSession s, byte[][] args, string unit, string command)
    {
        if (!TryInteger(args[2], out var amount))
        {
            s.Writer.Error(RespErrors.NotInteger);
            return;
        }

        if (amount <= 0 || !TryAbsolute(unit, amount, s.Backend.NowMs, out var atMs))
        {
            s.Writer.Error($"ERR invalid expire time in '{command}' command");
            return;
        }

        if (TooLarge(s, args[3])) return;
        var result = await WriteAsync(s, args[1], (session, now) =>
            CommandCodec.EncodePut(args[1], args[3], Raw, now, ExpiryMode.At, atMs, session: session));
        if (!WriteFailed(s, result)) s.Writer.Ok();
    }

    internal static async Task Append(RespSession s, byte[][] args)
    {
        if (TooLarge(s, args[2])) return;
        var result = await WriteAsync(s, args[1], (session, now) => CommandCodec.EncodeAppend(args[1], args[2], now, session));
        if (!WriteFailed(s, result)) s.Writer.Integer(result.Result.Count);
    }

    internal static async Task StrLen(RespSession s, byte[][] args)
    {
        var read = await ReadAsync(s, args[1]);
        if (ReadFailed(s, read)) return;
        if (read.Entry is not { } entry) s.Writer.Integer(0);
        else if (!IsWrongType(s, entry, wantHash: false)) s.Writer.Integer(entry.Value.Length);
    }

    internal static async Task MGet(RespSession s, byte[][] args)
    {
        var reads = await Task.WhenAll(args.Skip(1).Select(key => ReadAsync(s, key)));
        var failed = reads.FirstOrDefault(r => r.Status is RespReadStatus.Unavailable or RespReadStatus.Forbidden);
        if (ReadFailed(s, failed)) return;

        s.Writer.Array(reads.Length);
        foreach (var read in reads)
        {
            // A hash reads as nil in MGET, as any non-string does in Redis.
            if (read.Entry is { IsHash: false } entry) s.Writer.Bulk(entry.Value.Span);
            else s.Writer.Null();
        }
    }

    internal static async Task MSet(RespSession s, byte[][] args)
    {
        if (args.Length % 2 == 0)
        {
            s.Writer.Error(RespErrors.WrongArity("mset"));
            return;
        }

        if (TooLarge(s, args)) return;
        var writes = new List<Task<RespWriteResult>>();
        for (var i = 1; i < args.Length; i += 2)
        {
            var (key, value) = (args[i], args[i + 1]);
            writes.Add(WriteAsync(s, key, (session, now) => CommandCodec.EncodePut(key, value, Raw, now, session: session)));
        }

        foreach (var result in await Task.WhenAll(writes))
        {
            if (WriteFailed(s, result)) return;
        }

        s.Writer.Ok();
    }

    /// <summary>
    /// MSETNX: one replicated command, so the keys are set all together or not at all. That needs them on one shard
    /// (one Raft group); keys on several shards are refused with CROSSSLOT, as Redis Cluster refuses keys in several slots.
    /// </summary>
    internal static async Task MSetNx(RespSession s, byte[][] args)
    {
        if (args.Length % 2 == 0)
        {
            s.Writer.Error(RespErrors.WrongArity("msetnx"));
            return;
        }

        if (TooLarge(s, args)) return;
        var pairs = new List<(byte[] Key, byte[] Value)>();
        for (var i = 1; i < args.Length; i += 2) pairs.Add((args[i], args[i + 1]));
        var shard = s.Backend.ShardOfKey(pairs[0].Key);
        if (pairs.Exists(p => s.Backend.ShardOfKey(p.Key) != shard))
        {
            s.Writer.Error(RespErrors.CrossShard);
            return;
        }

        var result = await s.Backend.WriteAsync(shard, (session, now) => CommandCodec.EncodePutAllIfAbsent(pairs, now, session), s.Acting, s.Aborted);
        if (!WriteFailed(s, result)) s.Writer.Integer(result.Status == RespWriteStatus.Applied ? 1 : 0);
    }

    internal static Task Incr(RespSession s, byte[][] args) => IncrementAsync(s, args[1], 1);

    internal static Task Decr(RespSession s, byte[][] args) => IncrementAsync(s, args[1], -1);

    internal static Task IncrBy(RespSession s, byte[][] args) => IncrementByArgument(s, args, negate: false);

    internal static Task DecrBy(RespSession s, byte[][] args) => IncrementByArgument(s, args, negate: true);

    private static Task IncrementByArgument(RespSession s, byte[][] args, bool negate)
    {
        if (!TryInteger(args[2], out var delta))
        {
            s.Writer.Error(RespErrors.NotInteger);
            return Task.CompletedTask;
        }

        if (negate && delta == long.MinValue)
        {
            s.Writer.Error("ERR decrement would overflow");
            return Task.CompletedTask;
        }

        return IncrementAsync(s, args[1], negate ? -delta : delta);
    }

    private static async Task IncrementAsync(RespSession s, byte[] key, long delta)
    {
        var result = await WriteAsync(s, key, (session, now) => CommandCodec.EncodeIncrementBy(key, delta, now, session));
        if (!WriteFailed(s, result)) s.Writer.Integer(result.Result.Count);
    }
}
