// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.StateMachine;

namespace RaftCache.Resp;

/// <summary>DEL, EXISTS, TYPE, the expiry commands, TTL and friends.</summary>
public static partial class RespHandlers
{
    internal static async Task Del(RespSession s, byte[][] args)
    {
        var results = await Task.WhenAll(args.Skip(1).Distinct(ByteArrayComparer.Instance).Select(key =>
            WriteAsync(s, key, (session, now) => CommandCodec.EncodeDelete(key, now, session: session))));
        foreach (var result in results)
        {
            if (WriteFailed(s, result)) return;
        }

        s.Writer.Integer(results.Sum(r => r.Result.Count));
    }

    internal static async Task Exists(RespSession s, byte[][] args)
    {
        var reads = await Task.WhenAll(args.Skip(1).Select(key => ReadAsync(s, key)));
        var failed = reads.FirstOrDefault(r => r.Status is RespReadStatus.Unavailable or RespReadStatus.Forbidden);
        if (ReadFailed(s, failed)) return;
        s.Writer.Integer(reads.Count(r => r.Entry is not null));
    }

    internal static async Task Type(RespSession s, byte[][] args)
    {
        var read = await ReadAsync(s, args[1]);
        if (ReadFailed(s, read)) return;
        s.Writer.Simple(read.Entry is null ? "none" : read.Entry.IsHash ? "hash" : "string");
    }

    internal static Task Expire(RespSession s, byte[][] args) => ExpireAsync(s, args, "EX");

    internal static Task PExpire(RespSession s, byte[][] args) => ExpireAsync(s, args, "PX");

    internal static Task ExpireAt(RespSession s, byte[][] args) => ExpireAsync(s, args, "EXAT");

    internal static Task PExpireAt(RespSession s, byte[][] args) => ExpireAsync(s, args, "PXAT");

    private static async Task ExpireAsync(RespSession s, byte[][] args, string unit)
    {
        if (!TryInteger(args[2], out var amount))
        {
            s.Writer.Error(RespErrors.NotInteger);
            return;
        }

        if (!TryExpireCondition(s, args, out var condition)) return;

        // A time at or before now deletes the key, as in Redis; the state machine does it at the same log index everywhere.
        var now = s.Backend.NowMs;
        if (!TryAbsolute(unit, amount, now, out var atMs) && amount > 0)
        {
            s.Writer.Error("ERR invalid expire time in '" + unit switch { "EX" => "expire", "PX" => "pexpire", "EXAT" => "expireat", _ => "pexpireat" } + "' command");
            return;
        }

        atMs = Math.Max(atMs, 1);
        if (condition == ExpireCondition.None)
        {
            var result = await WriteAsync(s, args[1], (session, at) => CommandCodec.EncodeSetExpiry(args[1], ExpiryMode.At, atMs, at, session: session));
            if (!WriteFailed(s, result)) s.Writer.Integer(result.Result.Count);
            return;
        }

        await ReadModifyWriteAsync(s, args[1], async entry =>
        {
            if (entry is null || !condition.Allows(entry.ExpiresAtMs, atMs))
            {
                s.Writer.Integer(0);
                return Step.Done;
            }

            var result = await WriteAsync(s, args[1], (session, at) =>
                CommandCodec.EncodeSetExpiry(args[1], ExpiryMode.At, atMs, at, WriteCondition.IfVersion, entry.Version, session));
            if (WriteFailed(s, result)) return Step.Done;
            if (result.Status == RespWriteStatus.PreconditionFailed) return Step.Retry;
            s.Writer.Integer(result.Result.Count);
            return Step.Done;
        });
    }

    /// <summary>EXPIRE's options after the time: NX, XX, GT, LT, with Redis's errors for unknown words and incompatible pairs.</summary>
    private static bool TryExpireCondition(RespSession s, byte[][] args, out ExpireCondition condition)
    {
        condition = ExpireCondition.None;
        for (var i = 3; i < args.Length; i++)
        {
            var word = Word(args[i]);
            condition |= word switch
            {
                "NX" => ExpireCondition.Nx,
                "XX" => ExpireCondition.Xx,
                "GT" => ExpireCondition.Gt,
                "LT" => ExpireCondition.Lt,
                _ => ExpireCondition.Unknown,
            };
            if (condition.HasFlag(ExpireCondition.Unknown))
            {
                s.Writer.Error("ERR Unsupported option " + Encoding.UTF8.GetString(args[i]));
                return false;
            }
        }

        if (condition.HasFlag(ExpireCondition.Nx) && condition != ExpireCondition.Nx)
        {
            s.Writer.Error(RespErrors.ExpireNxWithOthers);
            return false;
        }

        if (condition.HasFlag(ExpireCondition.Gt | ExpireCondition.Lt))
        {
            s.Writer.Error(RespErrors.ExpireGtAndLt);
            return false;
        }

        return true;
    }

    internal static async Task Persist(RespSession s, byte[][] args)
    {
        var result = await WriteAsync(s, args[1], (session, now) => CommandCodec.EncodeSetExpiry(args[1], ExpiryMode.None, 0, now, session: session));
        if (!WriteFailed(s, result)) s.Writer.Integer(result.Result.Count);
    }

    internal static Task Ttl(RespSession s, byte[][] args) => TtlAsync(s, args[1], ms => (ms + 500) / 1000);

    internal static Task PTtl(RespSession s, byte[][] args) => TtlAsync(s, args[1], ms => ms);

    internal static Task ExpireTime(RespSession s, byte[][] args) => TtlAsync(s, args[1], ms => ms / 1000, absolute: true);

    internal static Task PExpireTime(RespSession s, byte[][] args) => TtlAsync(s, args[1], ms => ms, absolute: true);

    /// <summary>-2 when absent, -1 without expiry, else the time left (or the instant) in the command's unit.</summary>
    private static async Task TtlAsync(RespSession s, byte[] key, Func<long, long> unit, bool absolute = false)
    {
        var read = await ReadAsync(s, key);
        if (ReadFailed(s, read)) return;
        if (read.Entry is not { } entry) s.Writer.Integer(-2);
        else if (entry.ExpiresAtMs is not { } at) s.Writer.Integer(-1);
        else s.Writer.Integer(unit(absolute ? at : Math.Max(0, at - s.Backend.NowMs)));
    }
}

/// <summary>Byte arrays compared by content.</summary>
internal sealed class ByteArrayComparer : IEqualityComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
