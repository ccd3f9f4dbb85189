// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Resp;

/// <summary>PING, ECHO, HELLO, AUTH, QUIT, RESET, SELECT, CLIENT.</summary>
public static partial class RespHandlers
{
    public const string ServerVersion = "7.4.0";

    internal static Task Ping(RespSession s, byte[][] args)
    {
        if (args.Length > 2) s.Writer.Error(RespErrors.WrongArity("ping"));
        else if (args.Length == 2) s.Writer.Bulk(args[1]);
        else s.Writer.Simple("PONG");
        return Task.CompletedTask;
    }

    internal static Task Echo(RespSession s, byte[][] args)
    {
        s.Writer.Bulk(args[1]);
        return Task.CompletedTask;
    }

    internal static Task Quit(RespSession s, byte[][] args)
    {
        s.Writer.Ok();
        s.Closing = true;
        return Task.CompletedTask;
    }

    internal static Task Reset(RespSession s, byte[][] args)
    {
        s.Reset();
        s.Writer.Simple("RESET");
        return Task.CompletedTask;
    }

    internal static Task Select(RespSession s, byte[][] args)
    {
        if (Encoding.ASCII.GetString(args[1]) == "0") s.Writer.Ok();
        else s.Writer.Error(RespErrors.DbIndex);
        return Task.CompletedTask;
    }

    internal static Task Auth(RespSession s, byte[][] args)
    {
        if (args.Length > 3)
        {
            s.Writer.Error(RespErrors.Syntax);
            return Task.CompletedTask;
        }

        var user = args.Length == 3 ? Encoding.UTF8.GetString(args[1]) : null;
        if (TryAuthenticate(s, user, Encoding.UTF8.GetString(args[^1]))) s.Writer.Ok();
        return Task.CompletedTask;
    }

    /// <summary>Checks a key (rate-limited per address, like REST); writes the error and returns false on failure.</summary>
    private static bool TryAuthenticate(RespSession s, string? user, string key)
    {
        if (!s.Backend.AuthEnabled)
        {
            s.Writer.Error(RespErrors.AuthNotConfigured);
            return false;
        }

        if (s.Backend.IsAuthBlocked(s.Remote))
        {
            s.Writer.Error(RespErrors.AuthBlocked);
            return false;
        }

        var caller = s.Backend.Authenticate(key);
        if (caller is null || (user is not null && user != "default" && user != caller.Name))
        {
            s.Backend.RecordAuthFailure(s.Remote);
            s.Writer.Error(RespErrors.WrongPass);
            return false;
        }

        s.Caller = caller;
        return true;
    }

    internal static Task Hello(RespSession s, byte[][] args)
    {
        var protocol = s.Writer.Protocol;
        var i = 1;
        if (args.Length > 1)
        {
            if (!TryInteger(args[1], out var requested) || requested is < 2 or > 3)
            {
                s.Writer.Error(RespErrors.NoProto);
                return Task.CompletedTask;
            }

            protocol = (int)requested;
            i = 2;
        }

        string? name = null;
        for (; i < args.Length; i++)
        {
            var word = Word(args[i]);
            if (word == "AUTH" && i + 2 < args.Length)
            {
                if (!TryAuthenticate(s, Encoding.UTF8.GetString(args[i + 1]), Encoding.UTF8.GetString(args[i + 2]))) return Task.CompletedTask;
                i += 2;
            }
            else if (word == "SETNAME" && i + 1 < args.Length)
            {
                name = Encoding.UTF8.GetString(args[++i]);
            }
            else
            {
                s.Writer.Error($"ERR Syntax error in HELLO option '{Encoding.UTF8.GetString(args[i])}'");
                return Task.CompletedTask;
            }
        }

        if (s.Caller is null && s.Backend.AuthEnabled)
        {
            s.Writer.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return Task.CompletedTask;
        }

        if (name is not null) s.Name = name;
        s.Writer.Protocol = protocol;
        s.Writer.Map(7);
        s.Writer.Bulk("server"); s.Writer.Bulk("redis");
        s.Writer.Bulk("version"); s.Writer.Bulk(ServerVersion);
        s.Writer.Bulk("proto"); s.Writer.Integer(protocol);
        s.Writer.Bulk("id"); s.Writer.Integer(s.Id);
        s.Writer.Bulk("mode"); s.Writer.Bulk(s.Options.ClusterMode ? "cluster" : "standalone");
        s.Writer.Bulk("role"); s.Writer.Bulk("master");
        s.Writer.Bulk("modules"); s.Writer.Array(0);
        return Task.CompletedTask;
    }

    internal static Task Client(RespSession s, byte[][] args)
    {
        switch (Word(args[1]))
        {
            case "SETNAME" when args.Length == 3:
                s.Name = Encoding.UTF8.GetString(args[2]);
                s.Writer.Ok();
                break;
            case "GETNAME" when args.Length == 2:
                if (s.Name is null) s.Writer.Null();
                else s.Writer.Bulk(s.Name);
                break;
            case "ID" when args.Length == 2:
                s.Writer.Integer(s.Id);
                break;
            case "SETINFO" when args.Length == 4:
                var value = Encoding.UTF8.GetString(args[3]);
                switch (Word(args[2]))
                {
                    case "LIB-NAME": s.LibraryName = value; s.Writer.Ok(); break;
                    case "LIB-VER": s.LibraryVersion = value; s.Writer.Ok(); break;
                    default: s.Writer.Error($"ERR Unrecognized option '{Encoding.UTF8.GetString(args[2])}'"); break;
                }
                break;
            case "INFO" when args.Length == 2:
                s.Writer.Verbatim(
                    $"id={s.Id} addr={s.Remote} name={s.Name} db=0 user={s.Caller?.Name ?? "default"} resp={s.Writer.Protocol} lib-name={s.LibraryName} lib-ver={s.LibraryVersion}\n");
                break;
            default:
                s.Writer.Error(RespErrors.UnknownSubcommand("client", Encoding.UTF8.GetString(args[1])));
                break;
        }

        return Task.CompletedTask;
    }
}
