// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using System.Text.Unicode;

namespace RaftCache.Resp;

/// <summary>
/// The state of one client connection (identity, protocol, name, read consistency, scan cursors) and the dispatch
/// of its commands: table look-up, arity, authentication, role, keys, then the handler. Replies come back in the order
/// the commands were sent; pipelined commands of different hash slots may run side by side (<see cref="RespPipeline"/>).
/// </summary>
public sealed partial class RespSession(IRespBackend backend, RespOptions options, RespWriter writer, IPAddress? remote, long id)
{
    private const int MaxScanCursors = 16;
    // Made on the first SCAN: most connections never scan, and every pipelined command forks a session.
    private Dictionary<long, (int Shard, byte[]? After)>? _cursors;
    private long _nextCursor;

    public IRespBackend Backend => backend;

    public RespOptions Options => options;

    public RespWriter Writer => writer;

    public long Id => id;

    public IPAddress? Remote => remote;

    public RespCaller? Caller { get; internal set; }

    public string? Name { get; internal set; }

    public string? LibraryName { get; internal set; }

    public string? LibraryVersion { get; internal set; }

    /// <summary>READONLY: local reads on this connection.</summary>
    public bool ReadOnlyMode { get; internal set; }

    /// <summary>Set by QUIT: the connection closes once the reply is sent.</summary>
    public bool Closing { get; internal set; }

    // The credentials generation this connection's key was last found current at (-1: not yet checked).
    private int _credentialsChecked = -1;

    public CancellationToken Aborted { get; init; }

    public RespConsistency Consistency => ReadOnlyMode ? RespConsistency.Local : options.ReadConsistency;

    /// <summary>Runs one command and writes its reply.</summary>
    public async Task ExecuteAsync(byte[][] args)
    {
        if (args.Length == 0) return;
        if (!RespCommandTable.TryFind(args[0], out var spec))
        {
            writer.Error(RespErrors.UnknownCommand(Encoding.UTF8.GetString(args[0]), args.Skip(1).Select(a => Encoding.UTF8.GetString(a))));
            return;
        }

        if (!spec.AcceptsArgumentCount(args.Length))
        {
            writer.Error(RespErrors.WrongArity(spec.Name));
            return;
        }

        // A key revoked (or removed from the keys file) since this connection authenticated ends the connection at its
        // next command; the key is checked again only when the node's credentials changed.
        if (Caller is { } caller && backend.AuthEnabled && backend.CredentialsGeneration is var generation && generation != _credentialsChecked)
        {
            if (!backend.IsCurrent(caller))
            {
                Caller = null;
                Closing = true;
                writer.Error(RespErrors.CredentialsRevoked);
                return;
            }
            _credentialsChecked = generation;
        }

        if (Caller is null && backend.AuthEnabled && (spec.Flags & RespCommandFlags.NoAuth) == 0)
        {
            writer.Error(RespErrors.NoAuth);
            return;
        }

        if (!Permits(spec))
        {
            writer.Error(RespErrors.NoPerm(spec.Name));
            return;
        }

        for (var position = spec.FirstKey; position <= spec.LastKeyPosition(args.Length); position += spec.Step)
        {
            if (!IsValidKey(args[position]))
            {
                writer.Error(RespErrors.BadKey);
                return;
            }
        }

        if (options.ClusterMode && !CheckSlots(spec, args)) return;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var errors = writer.Errors;
        await spec.Handler(this, args);
        backend.RecordCommand(spec.Name, writer.Errors != errors, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Keys are what REST accepts too (UTF-8, 1 to 1,024 bytes), so every key is reachable both ways.</summary>
    public static bool IsValidKey(byte[] key) => key.Length is > 0 and <= 1024 && Utf8.IsValid(key);

    private bool Permits(RespCommandSpec spec)
    {
        var role = Caller?.Role ?? (backend.AuthEnabled ? "" : "admin");
        if ((spec.Flags & RespCommandFlags.Admin) != 0) return role == "admin";
        if ((spec.Flags & RespCommandFlags.Write) != 0) return role is "writer" or "admin";
        return true;
    }

    /// <summary>Remembers where a SCAN stopped; the cursor number given to the client names it.</summary>
    internal long SaveCursor(int shard, byte[]? after)
    {
        _cursors ??= [];
        if (_cursors.Count >= MaxScanCursors) _cursors.Remove(_cursors.Keys.Min());
        var cursor = ++_nextCursor;
        _cursors[cursor] = (shard, after);
        return cursor;
    }

    internal bool TryTakeCursor(long cursor, out (int Shard, byte[]? After) position)
    {
        position = default;
        return _cursors is not null && _cursors.Remove(cursor, out position);
    }

    /// <summary>The caller a command acts as; an unauthenticated node acts as an anonymous admin.</summary>
    internal RespCaller Acting => Caller ?? new RespCaller("anonymous", "admin", null);

    internal void Reset()
    {
        Caller = null;
        Name = null;
        ReadOnlyMode = false;
        writer.Protocol = 2;
        _cursors?.Clear();
    }
}
