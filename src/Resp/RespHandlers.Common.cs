// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.StateMachine;

namespace RaftCache.Resp;

/// <summary>One handler per command (the table's last column), split by family; helpers shared by all of them.</summary>
public static partial class RespHandlers
{
    /// <summary>Attempts of a read-then-conditional-write before the client is told to try again.</summary>
    public const int MaxReadModifyWriteAttempts = 16;

    internal static Task<RespReadResult> ReadAsync(RespSession s, byte[] key) =>
        s.Backend.ReadAsync(s.Backend.ShardOfKey(key), key, s.Consistency, s.Acting, s.Aborted);

    /// <summary>A read that a read-modify-write bases its write on: always linearizable, whatever the connection asks.</summary>
    internal static Task<RespReadResult> ReadLatestAsync(RespSession s, byte[] key) =>
        s.Backend.ReadAsync(s.Backend.ShardOfKey(key), key, RespConsistency.Linearizable, s.Acting, s.Aborted);

    internal static Task<RespWriteResult> WriteAsync(RespSession s, byte[] key, Func<ClientSession, long, byte[]> encode) =>
        s.Backend.WriteAsync(s.Backend.ShardOfKey(key), encode, s.Acting, s.Aborted);

    /// <summary>Writes the error for a read that did not complete; false when it did.</summary>
    internal static bool ReadFailed(RespSession s, RespReadResult result)
    {
        switch (result.Status)
        {
            case RespReadStatus.Unavailable: s.Writer.Error(RespErrors.ReadUnavailable); return true;
            case RespReadStatus.Forbidden: s.Writer.Error(RespErrors.NoAuth); return true;
            default: return false;
        }
    }

    /// <summary>Writes the error for a write that did not apply (precondition failures are the caller's to answer).</summary>
    internal static bool WriteFailed(RespSession s, RespWriteResult result, bool hashField = false)
    {
        switch (result.Status)
        {
            case RespWriteStatus.Applied or RespWriteStatus.PreconditionFailed: return false;
            case RespWriteStatus.MemoryLimit: s.Writer.Error(RespErrors.MemoryLimit); return true;
            case RespWriteStatus.Unavailable: s.Writer.Error(RespErrors.TryAgain); return true;
            case RespWriteStatus.Indeterminate: s.Writer.Error(RespErrors.MaybeApplied); return true;
            case RespWriteStatus.Forbidden: s.Writer.Error("NOPERM the leader refused this caller's key"); return true;
        }

        s.Writer.Error(result.Result.Status switch
        {
            ApplyStatus.WrongType => RespErrors.WrongType,
            ApplyStatus.Overflow => RespErrors.Overflow,
            _ when hashField => RespErrors.HashNotInteger,
            _ => RespErrors.NotInteger,
        });
        return true;
    }

    /// <summary>Writes WRONGTYPE when a string command meets a hash.</summary>
    internal static bool IsWrongType(RespSession s, RespEntry entry, bool wantHash)
    {
        if (entry.IsHash == wantHash) return false;
        s.Writer.Error(RespErrors.WrongType);
        return true;
    }

    internal static bool TooLarge(RespSession s, params byte[][] values)
    {
        if (values.All(v => v.Length <= s.Options.MaxValueBytes)) return false;
        s.Writer.Error(RespErrors.ValueTooLarge(s.Options.MaxValueBytes));
        return true;
    }

    internal static bool TryInteger(byte[] text, out long value) => IntegerText.TryParse(text, out value);

    internal static string Word(byte[] arg) => Encoding.UTF8.GetString(arg).ToUpperInvariant();

    internal static bool Is(byte[] arg, string word) => Word(arg) == word;

    /// <summary>
    /// Parses EX/PX/EXAT/PXAT at <paramref name="i"/> into an absolute Unix-ms instant (the proposer fixes it);
    /// null when the option is not an expiry; an error already written when the number is bad.
    /// </summary>
    internal static bool? TryExpiryOption(RespSession s, byte[][] args, ref int i, string command, out long atMs)
    {
        atMs = 0;
        var word = Word(args[i]);
        if (word is not ("EX" or "PX" or "EXAT" or "PXAT")) return null;
        if (i + 1 >= args.Length)
        {
            s.Writer.Error(RespErrors.Syntax);
            return false;
        }

        if (!TryInteger(args[++i], out var amount))
        {
            s.Writer.Error(RespErrors.NotInteger);
            return false;
        }

        if (amount <= 0 || !TryAbsolute(word, amount, s.Backend.NowMs, out atMs))
        {
            s.Writer.Error($"ERR invalid expire time in '{command.ToLowerInvariant()}' command");
            return false;
        }

        return true;
    }

    internal static bool TryAbsolute(string unit, long amount, long nowMs, out long atMs)
    {
        atMs = 0;
        try
        {
            atMs = unit switch
            {
                "EX" => checked(nowMs + checked(amount * 1000)),
                "PX" => checked(nowMs + amount),
                "EXAT" => checked(amount * 1000),
                _ => amount,
            };
            return atMs < long.MaxValue;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
