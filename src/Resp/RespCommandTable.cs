// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using static RaftCache.Resp.RespCommandFlags;

namespace RaftCache.Resp;

/// <summary>Every supported command. Anything else answers <c>-ERR unknown command</c>.</summary>
public static class RespCommandTable
{
    private const string Linearizable = "linearizable read (connection's consistency)";
    private const string Committed = "write acknowledged after a majority of its shard has it on disk";
    private const string PerKey = "per key as GET/SET; keys on different shards are not atomic together";
    private const string Rmw = "read then conditional write (retried on a race): atomic per key";
    private const string NoData = "no data";
    private const string CommittedOrRmw = Committed + "; with NX XX GT LT: " + Rmw;

    public static readonly IReadOnlyList<RespCommandSpec> All =
    [
        new("PING", -1, NoAuth | Connection, 0, 0, 0, NoData, RespHandlers.Ping),
        new("ECHO", 2, Connection, 0, 0, 0, NoData, RespHandlers.Echo),
        new("HELLO", -1, NoAuth | Connection, 0, 0, 0, NoData, RespHandlers.Hello),
        new("AUTH", -2, NoAuth | Connection, 0, 0, 0, NoData, RespHandlers.Auth, "the password is an API key; the user name, if given, must be the key's name or 'default'"),
        new("QUIT", -1, NoAuth | Connection, 0, 0, 0, NoData, RespHandlers.Quit),
        new("RESET", 1, Connection, 0, 0, 0, NoData, RespHandlers.Reset),
        new("SELECT", 2, Connection, 0, 0, 0, NoData, RespHandlers.Select, "only database 0"),
        new("CLIENT", -2, Connection, 0, 0, 0, NoData, RespHandlers.Client, "SETNAME GETNAME ID SETINFO INFO"),
        new("COMMAND", -1, Connection, 0, 0, 0, NoData, RespHandlers.Command, "COUNT INFO DOCS and the full list"),
        new("INFO", -1, Connection, 0, 0, 0, "this node's view", RespHandlers.Info),
        new("DBSIZE", 1, Connection | Read, 0, 0, 0, "keys in this node's replicas (expired keys not yet swept included)", RespHandlers.DbSize),
        new("TIME", 1, Connection, 0, 0, 0, NoData, RespHandlers.Time),
        new("WAIT", 3, Connection, 0, 0, 0, "answers at once: a committed write is already on a majority", RespHandlers.Wait),
        new("READONLY", 1, Connection, 0, 0, 0, "switches the connection to local reads", RespHandlers.ReadOnly),
        new("READWRITE", 1, Connection, 0, 0, 0, "back to the node's read consistency", RespHandlers.ReadWrite),
        new("CONFIG", -2, Connection, 0, 0, 0, NoData, RespHandlers.Config, "GET answers an empty list"),
        new("CLUSTER", -2, Connection, 0, 0, 0, "cluster mode: shard leaders as the node sees them", RespHandlers.Cluster, "SLOTS SHARDS NODES KEYSLOT INFO MYID; disabled in proxy mode"),
        new("GET", 2, Read, 1, 1, 1, Linearizable, RespHandlers.Get),
        new("SET", -3, Write, 1, 1, 1, Committed, RespHandlers.Set, "EX PX EXAT PXAT NX XX KEEPTTL GET (GET: read then conditional write)"),
        new("SETNX", 3, Write, 1, 1, 1, Committed, RespHandlers.SetNx),
        new("SETEX", 4, Write, 1, 1, 1, Committed, RespHandlers.SetEx),
        new("PSETEX", 4, Write, 1, 1, 1, Committed, RespHandlers.PSetEx),
        new("GETSET", 3, Write, 1, 1, 1, Rmw, RespHandlers.GetSet),
        new("GETDEL", 2, Write, 1, 1, 1, Rmw, RespHandlers.GetDel),
        new("GETEX", -2, Write, 1, 1, 1, Rmw, RespHandlers.GetEx),
        new("APPEND", 3, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.Append),
        new("STRLEN", 2, Read, 1, 1, 1, Linearizable, RespHandlers.StrLen),
        new("MGET", -2, Read, 1, -1, 1, PerKey, RespHandlers.MGet),
        new("MSET", -3, Write, 1, -1, 2, PerKey, RespHandlers.MSet, "not atomic: one replicated write per key"),
        new("MSETNX", -3, Write, 1, -1, 2, "one replicated write: all keys or none; keys must share a shard", RespHandlers.MSetNx, "keys on several shards: CROSSSLOT"),
        new("INCR", 2, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.Incr),
        new("DECR", 2, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.Decr),
        new("INCRBY", 3, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.IncrBy),
        new("DECRBY", 3, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.DecrBy),
        new("INCRBYFLOAT", 3, Write, 1, 1, 1, Rmw, RespHandlers.IncrByFloat),
        new("DEL", -2, Write, 1, -1, 1, PerKey, RespHandlers.Del),
        new("UNLINK", -2, Write, 1, -1, 1, PerKey, RespHandlers.Del),
        new("EXISTS", -2, Read, 1, -1, 1, PerKey, RespHandlers.Exists),
        new("TYPE", 2, Read, 1, 1, 1, Linearizable, RespHandlers.Type, "string or hash"),
        new("EXPIRE", -3, Write, 1, 1, 1, CommittedOrRmw, RespHandlers.Expire, "NX XX GT LT: read then conditional write"),
        new("PEXPIRE", -3, Write, 1, 1, 1, CommittedOrRmw, RespHandlers.PExpire, "NX XX GT LT: read then conditional write"),
        new("EXPIREAT", -3, Write, 1, 1, 1, CommittedOrRmw, RespHandlers.ExpireAt, "NX XX GT LT: read then conditional write"),
        new("PEXPIREAT", -3, Write, 1, 1, 1, CommittedOrRmw, RespHandlers.PExpireAt, "NX XX GT LT: read then conditional write"),
        new("PERSIST", 2, Write, 1, 1, 1, Committed, RespHandlers.Persist),
        new("TTL", 2, Read, 1, 1, 1, Linearizable, RespHandlers.Ttl),
        new("PTTL", 2, Read, 1, 1, 1, Linearizable, RespHandlers.PTtl),
        new("EXPIRETIME", 2, Read, 1, 1, 1, Linearizable, RespHandlers.ExpireTime),
        new("PEXPIRETIME", 2, Read, 1, 1, 1, Linearizable, RespHandlers.PExpireTime),
        new("SCAN", -2, Read, 0, 0, 0, "local replicas of this node, shard by shard", RespHandlers.Scan, "MATCH COUNT TYPE; cursors live in the connection"),
        new("KEYS", 2, Read, 0, 0, 0, "local replicas of this node", RespHandlers.Keys, "refused beyond the KEYS reply limit"),
        new("HSET", -4, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.HSet),
        new("HMSET", -4, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.HMSet),
        new("HSETNX", 4, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.HSetNx),
        new("HGET", 3, Read, 1, 1, 1, Linearizable, RespHandlers.HGet),
        new("HMGET", -3, Read, 1, 1, 1, Linearizable, RespHandlers.HMGet),
        new("HGETALL", 2, Read, 1, 1, 1, Linearizable, RespHandlers.HGetAll),
        new("HDEL", -3, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.HDel),
        new("HEXISTS", 3, Read, 1, 1, 1, Linearizable, RespHandlers.HExists),
        new("HLEN", 2, Read, 1, 1, 1, Linearizable, RespHandlers.HLen),
        new("HKEYS", 2, Read, 1, 1, 1, Linearizable, RespHandlers.HKeys),
        new("HVALS", 2, Read, 1, 1, 1, Linearizable, RespHandlers.HVals),
        new("HINCRBY", 4, Write, 1, 1, 1, Committed + "; computed at apply time", RespHandlers.HIncrBy),
        new("FLUSHDB", -1, Write | Admin, 0, 0, 0, "one replicated flush per shard", RespHandlers.FlushAll, "admin role"),
        new("FLUSHALL", -1, Write | Admin, 0, 0, 0, "one replicated flush per shard", RespHandlers.FlushAll, "admin role"),
    ];

    public static readonly FrozenDictionary<string, RespCommandSpec> ByName =
        All.ToFrozenDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);

    // Longer than every command name: a longer word is unknown without a look-up.
    private const int MaxNameBytes = 32;
    private static readonly FrozenDictionary<string, RespCommandSpec>.AlternateLookup<ReadOnlySpan<char>> BySpan =
        ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The command a client's first argument names (any case), found without allocating a string.</summary>
    public static bool TryFind(ReadOnlySpan<byte> name, [MaybeNullWhen(false)] out RespCommandSpec spec)
    {
        spec = null;
        if (name.Length > MaxNameBytes) return false;
        Span<char> chars = stackalloc char[MaxNameBytes];
        for (var i = 0; i < name.Length; i++)
        {
            // Command names are ASCII; any other byte cannot name one.
            if (name[i] > 127) return false;
            chars[i] = (char)name[i];
        }

        return BySpan.TryGetValue(chars[..name.Length], out spec);
    }
}
