// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.StateMachine;

namespace RaftCache.Resp;

/// <summary>
/// Commands that answer with the value they replace (SET … GET, GETSET, GETDEL, GETEX) or compute in floating
/// point (INCRBYFLOAT): a linearizable read, then a write conditional on the version read (If-Match), retried
/// when another write came between. Atomic per key, like Redis; a hot key may need a few rounds.
/// </summary>
public static partial class RespHandlers
{
    private enum Step
    {
        Done,
        Retry,
    }

    /// <summary>Runs <paramref name="attempt"/> until it is done, or answers TRYAGAIN after the attempt limit.</summary>
    private static async Task ReadModifyWriteAsync(RespSession s, byte[] key, Func<RespEntry?, Task<Step>> attempt)
    {
        for (var i = 0; i < MaxReadModifyWriteAttempts; i++)
        {
            var read = await ReadLatestAsync(s, key);
            if (ReadFailed(s, read)) return;
            if (await attempt(read.Entry) == Step.Done) return;
        }

        s.Writer.Error(RespErrors.Contention);
    }

    private static (WriteCondition Condition, ulong Version) Expecting(RespEntry? entry) =>
        entry is null ? (WriteCondition.IfAbsent, 0) : (WriteCondition.IfVersion, entry.Version);

    private static Task SetAndGetAsync(RespSession s, byte[] key, byte[] value, WriteCondition condition, ExpiryMode mode, long atMs) =>
        ReadModifyWriteAsync(s, key, async entry =>
        {
            if (entry is not null && IsWrongType(s, entry, wantHash: false)) return Step.Done;
            var skip = (condition == WriteCondition.IfAbsent && entry is not null) || (condition == WriteCondition.IfPresent && entry is null);
            if (!skip)
            {
                var (expect, version) = Expecting(entry);
                var result = await WriteAsync(s, key, (session, now) => CommandCodec.EncodePut(key, value, Raw, now, mode, atMs, expect, version, session));
                if (WriteFailed(s, result)) return Step.Done;
                if (result.Status == RespWriteStatus.PreconditionFailed) return Step.Retry;
            }

            if (entry is null) s.Writer.Null();
            else s.Writer.Bulk(entry.Value.Span);
            return Step.Done;
        });

    internal static Task GetSet(RespSession s, byte[][] args) =>
        TooLarge(s, args[2]) ? Task.CompletedTask : SetAndGetAsync(s, args[1], args[2], WriteCondition.None, ExpiryMode.None, 0);

    internal static Task GetDel(RespSession s, byte[][] args) =>
        ReadModifyWriteAsync(s, args[1], async entry =>
        {
            if (entry is null)
            {
                s.Writer.Null();
                return Step.Done;
            }

            if (IsWrongType(s, entry, wantHash: false)) return Step.Done;
            var result = await WriteAsync(s, args[1], (session, now) => CommandCodec.EncodeDelete(args[1], now, WriteCondition.IfVersion, entry.Version, session));
            if (WriteFailed(s, result)) return Step.Done;
            if (result.Status == RespWriteStatus.PreconditionFailed) return Step.Retry;
            s.Writer.Bulk(entry.Value.Span);
            return Step.Done;
        });

    /// <summary>GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST].</summary>
    internal static Task GetEx(RespSession s, byte[][] args)
    {
        ExpiryMode? mode = null;
        long atMs = 0;
        for (var i = 2; i < args.Length; i++)
        {
            var parsed = TryExpiryOption(s, args, ref i, "getex", out var at);
            if (parsed == false) return Task.CompletedTask;
            if (mode is not null || (parsed is null && Word(args[i]) != "PERSIST"))
            {
                s.Writer.Error(RespErrors.Syntax);
                return Task.CompletedTask;
            }

            (mode, atMs) = parsed == true ? (ExpiryMode.At, at) : (ExpiryMode.None, 0);
        }

        return ReadModifyWriteAsync(s, args[1], async entry =>
        {
            if (entry is null)
            {
                s.Writer.Null();
                return Step.Done;
            }

            if (IsWrongType(s, entry, wantHash: false)) return Step.Done;
            if (mode is { } change)
            {
                var result = await WriteAsync(s, args[1], (session, now) =>
                    CommandCodec.EncodeSetExpiry(args[1], change, atMs, now, WriteCondition.IfVersion, entry.Version, session));
                if (WriteFailed(s, result)) return Step.Done;
                if (result.Status == RespWriteStatus.PreconditionFailed) return Step.Retry;
            }

            s.Writer.Bulk(entry.Value.Span);
            return Step.Done;
        });
    }

    internal static Task IncrByFloat(RespSession s, byte[][] args)
    {
        if (!RespNumbers.TryParseDouble(args[2], out var delta))
        {
            s.Writer.Error(RespErrors.NotFloat);
            return Task.CompletedTask;
        }

        return ReadModifyWriteAsync(s, args[1], async entry =>
        {
            if (entry is not null && IsWrongType(s, entry, wantHash: false)) return Step.Done;
            double current = 0;
            if (entry is not null && !RespNumbers.TryParseDouble(entry.Value.ToArray(), out current))
            {
                s.Writer.Error(RespErrors.NotFloat);
                return Step.Done;
            }

            var sum = current + delta;
            if (double.IsNaN(sum) || double.IsInfinity(sum))
            {
                s.Writer.Error(RespErrors.FloatOverflow);
                return Step.Done;
            }

            var text = Encoding.ASCII.GetBytes(RespNumbers.FormatDouble(sum));
            var (expect, version) = Expecting(entry);
            var result = await WriteAsync(s, args[1], (session, now) =>
                CommandCodec.EncodePut(args[1], text, entry is null ? Raw : entry.ContentType.Span, now, ExpiryMode.Keep, 0, expect, version, session));
            if (WriteFailed(s, result)) return Step.Done;
            if (result.Status == RespWriteStatus.PreconditionFailed) return Step.Retry;
            s.Writer.Bulk(text);
            return Step.Done;
        });
    }
}
