// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Resp;

/// <summary>What a command may do; checked before its handler runs.</summary>
[Flags]
public enum RespCommandFlags
{
    None = 0,

    /// <summary>Changes the keyspace: needs the writer role.</summary>
    Write = 1,

    /// <summary>Reads the keyspace: needs the reader role, honours the connection's read consistency.</summary>
    Read = 2,

    /// <summary>Needs the admin role.</summary>
    Admin = 4,

    /// <summary>Allowed before AUTH (AUTH, HELLO, PING, QUIT).</summary>
    NoAuth = 8,

    /// <summary>Touches only the connection or the server, no key (needs only an authenticated caller).</summary>
    Connection = 16,
}

/// <summary>Runs one command: writes exactly one reply to the session's writer.</summary>
public delegate Task RespHandler(RespSession session, byte[][] args);

/// <summary>
/// One row of the command table, the single source of truth for dispatch, permission checks, key positions
/// (cluster mode), <c>COMMAND INFO</c> and the compatibility table in docs/resp.md.
/// </summary>
/// <param name="Name">Upper case, as the table and the docs show it.</param>
/// <param name="Arity">Redis's convention: n = exactly n arguments with the name, -n = at least n.</param>
/// <param name="Flags">What the command may do (role and authentication checks).</param>
/// <param name="FirstKey">Position of the first key (0 = no key).</param>
/// <param name="LastKey">Position of the last key; -1 = the last argument.</param>
/// <param name="Step">Distance between keys (MSET: 2).</param>
/// <param name="Consistency">What the command promises, for the docs' consistency column.</param>
/// <param name="Handler">Writes the reply.</param>
/// <param name="Notes">Where RaftCache differs from Redis, for the docs.</param>
public sealed record RespCommandSpec(
    string Name,
    int Arity,
    RespCommandFlags Flags,
    int FirstKey,
    int LastKey,
    int Step,
    string Consistency,
    RespHandler Handler,
    string Notes = "")
{
    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count == Arity : count >= -Arity;

    /// <summary>The positions of the key arguments of one call.</summary>
    public IEnumerable<int> KeyPositions(int count)
    {
        if (FirstKey == 0) yield break;
        for (var i = FirstKey; i <= LastKeyPosition(count); i += Step) yield return i;
    }

    /// <summary>The position of the last key in a command of <paramref name="count"/> arguments (below FirstKey: none).</summary>
    public int LastKeyPosition(int count) => FirstKey == 0 ? -1 : Math.Min(LastKey < 0 ? count + LastKey : LastKey, count - 1);
}
