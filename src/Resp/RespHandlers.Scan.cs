// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;

namespace RaftCache.Resp;

/// <summary>
/// SCAN and KEYS over this node's replicas, shard by shard in key order. A SCAN cursor is a number the connection
/// maps to (shard, last key returned), so pages stay correct while keys change; KEYS refuses to answer beyond the
/// reply limit rather than build an unbounded reply.
/// </summary>
public static partial class RespHandlers
{
    private const int DefaultScanCount = 10;

    internal static Task Scan(RespSession s, byte[][] args)
    {
        if (!long.TryParse(Encoding.ASCII.GetString(args[1]), NumberStyles.None, CultureInfo.InvariantCulture, out var cursor))
        {
            s.Writer.Error("ERR invalid cursor");
            return Task.CompletedTask;
        }

        byte[]? pattern = null;
        string? type = null;
        var count = DefaultScanCount;
        for (var i = 2; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                s.Writer.Error(RespErrors.Syntax);
                return Task.CompletedTask;
            }

            switch (Word(args[i]))
            {
                case "MATCH": pattern = args[i + 1]; break;
                case "TYPE": type = Word(args[i + 1]); break;
                case "COUNT" when TryInteger(args[i + 1], out var n) && n > 0: count = (int)Math.Min(n, s.Options.Limits.MaxKeysPerReply); break;
                default:
                    s.Writer.Error(RespErrors.Syntax);
                    return Task.CompletedTask;
            }
        }

        var (shard, after) = (0, (byte[]?)null);
        if (cursor != 0)
        {
            if (!s.TryTakeCursor(cursor, out var position))
            {
                s.Writer.Error("ERR invalid cursor: unknown or expired on this connection");
                return Task.CompletedTask;
            }

            (shard, after) = position;
        }
        var shards = s.Backend.Shards().Select(x => x.Id).Order().ToArray();
        var found = new List<byte[]>();
        var next = 0L;
        while (shard < shards.Length)
        {
            var page = s.Backend.ListKeys(shards[shard], after, count) ?? [];
            found.AddRange(page.Where(k => Matches(pattern, k) && type is null or "STRING"));
            if (page.Count == count)
            {
                next = s.SaveCursor(shard, page[^1]);
                break;
            }

            (shard, after) = (shard + 1, null);
            if (found.Count >= count && shard < shards.Length)
            {
                next = s.SaveCursor(shard, null);
                break;
            }
        }

        s.Writer.Array(2);
        s.Writer.Bulk(next.ToString(CultureInfo.InvariantCulture));
        s.Writer.Array(found.Count);
        foreach (var key in found) s.Writer.Bulk(key);
        return Task.CompletedTask;
    }

    internal static Task Keys(RespSession s, byte[][] args)
    {
        var limit = s.Options.Limits.MaxKeysPerReply;
        var found = new List<byte[]>();
        foreach (var shard in s.Backend.Shards().Select(x => x.Id).Order())
        {
            byte[]? after = null;
            while (true)
            {
                var page = s.Backend.ListKeys(shard, after, 1000) ?? [];
                found.AddRange(page.Where(k => Matches(args[1], k)));
                if (found.Count > limit)
                {
                    s.Writer.Error($"ERR KEYS would return more than {limit} keys; use SCAN");
                    return Task.CompletedTask;
                }

                if (page.Count < 1000) break;
                after = page[^1];
            }
        }

        s.Writer.Array(found.Count);
        foreach (var key in found) s.Writer.Bulk(key);
        return Task.CompletedTask;
    }

    private static bool Matches(byte[]? pattern, byte[] key) => pattern is null || Glob.Matches(pattern, key);
}

/// <summary>Redis's glob patterns: <c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[^a]</c>, <c>[a-z]</c> and <c>\</c> escapes.</summary>
public static class Glob
{
    /// <summary>Bounded work: patterns with many stars are matched by backtracking only over the last star.</summary>
    public static bool Matches(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text)
    {
        int p = 0, t = 0, starP = -1, starT = -1;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == (byte)'*')
            {
                starP = ++p;
                starT = t;
                continue;
            }

            if (p < pattern.Length && MatchOne(pattern, ref p, text[t]))
            {
                t++;
                continue;
            }

            if (starP < 0) return false;
            p = starP;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == (byte)'*') p++;
        return p == pattern.Length;
    }

    /// <summary>Whether the pattern element at <paramref name="p"/> matches <paramref name="c"/>; advances past it when so.</summary>
    private static bool MatchOne(ReadOnlySpan<byte> pattern, ref int p, byte c)
    {
        var start = p;
        switch (pattern[p])
        {
            case (byte)'?':
                p++;
                return true;
            case (byte)'\\' when p + 1 < pattern.Length:
                p += 2;
                return pattern[start + 1] == c;
            case (byte)'[':
                var i = p + 1;
                var negate = i < pattern.Length && pattern[i] == (byte)'^';
                if (negate) i++;
                var matched = false;
                while (i < pattern.Length && pattern[i] != (byte)']')
                {
                    if (pattern[i] == (byte)'\\' && i + 1 < pattern.Length) matched |= pattern[++i] == c;
                    else if (i + 2 < pattern.Length && pattern[i + 1] == (byte)'-' && pattern[i + 2] != (byte)']')
                    {
                        var (low, high) = pattern[i] <= pattern[i + 2] ? (pattern[i], pattern[i + 2]) : (pattern[i + 2], pattern[i]);
                        matched |= c >= low && c <= high;
                        i += 2;
                    }
                    else matched |= pattern[i] == c;
                    i++;
                }

                p = Math.Min(i + 1, pattern.Length);
                return matched != negate;
            default:
                p++;
                return pattern[start] == c;
        }
    }
}
