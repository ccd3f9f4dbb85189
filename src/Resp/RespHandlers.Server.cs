// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Resp;

/// <summary>INFO, DBSIZE, TIME, WAIT, READONLY/READWRITE, CONFIG, FLUSHALL, COMMAND.</summary>
public static partial class RespHandlers
{
    internal static async Task Info(RespSession s, byte[][] args)
    {
        var counts = await s.Backend.LocalKeyCountsAsync();
        var raft = await s.Backend.InfoAsync();
        var text = new StringBuilder();
        text.Append("# Server\r\n")
            .Append("redis_version:").Append(ServerVersion).Append("\r\n")
            .Append("redis_mode:").Append(s.Options.ClusterMode ? "cluster" : "standalone").Append("\r\n")
            .Append("server_name:raftcache\r\n")
            .Append("tcp_port:").Append(s.Options.EndPoint.Port).Append("\r\n")
            .Append("run_id:").Append(s.Backend.NodeId.ToString("x40")).Append("\r\n\r\n")
            .Append("# Clients\r\nconnected_clients:").Append(RespServer.ConnectedClients).Append("\r\n\r\n")
            .Append("# Memory\r\nused_memory:").Append(GC.GetTotalMemory(false)).Append("\r\n")
            .Append("maxmemory_policy:volatile-ttl\r\n\r\n")
            .Append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n")
            .Append("# Cluster\r\ncluster_enabled:").Append(s.Options.ClusterMode ? 1 : 0).Append("\r\n\r\n")
            .Append("# Keyspace\r\ndb0:keys=").Append(counts.Values.Sum()).Append(",expires=0,avg_ttl=0\r\n\r\n")
            .Append("# RaftCache\r\n");
        foreach (var (name, value) in raft) text.Append(name).Append(':').Append(value).Append("\r\n");
        s.Writer.Verbatim(text.ToString());
    }

    internal static async Task DbSize(RespSession s, byte[][] args) => s.Writer.Integer((await s.Backend.LocalKeyCountsAsync()).Values.Sum());

    internal static Task Time(RespSession s, byte[][] args)
    {
        var now = DateTimeOffset.UtcNow;
        var micros = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        s.Writer.Array(2);
        s.Writer.Bulk((micros / 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        s.Writer.Bulk((micros % 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Task.CompletedTask;
    }

    /// <summary>Every acknowledged write is already on a majority: the other replicas of that majority are counted.</summary>
    internal static Task Wait(RespSession s, byte[][] args)
    {
        var shards = s.Backend.Shards();
        s.Writer.Integer(shards.Count == 0 ? 0 : shards.Min(shard => Math.Max(shard.ReplicaCount, 1) / 2));
        return Task.CompletedTask;
    }

    internal static Task ReadOnly(RespSession s, byte[][] args)
    {
        s.ReadOnlyMode = true;
        s.Writer.Ok();
        return Task.CompletedTask;
    }

    internal static Task ReadWrite(RespSession s, byte[][] args)
    {
        s.ReadOnlyMode = false;
        s.Writer.Ok();
        return Task.CompletedTask;
    }

    internal static Task Config(RespSession s, byte[][] args)
    {
        if (Word(args[1]) == "GET") s.Writer.Map(0);
        else s.Writer.Error(RespErrors.UnknownSubcommand("config", Encoding.UTF8.GetString(args[1])));
        return Task.CompletedTask;
    }

    internal static async Task FlushAll(RespSession s, byte[][] args)
    {
        if (args.Length > 2 || (args.Length == 2 && Word(args[1]) is not ("ASYNC" or "SYNC")))
        {
            s.Writer.Error(RespErrors.Syntax);
            return;
        }

        var (done, error) = await s.Backend.FlushAllAsync(s.Acting, s.Aborted);
        if (done) s.Writer.Ok();
        else s.Writer.Error("ERR " + error);
    }

    internal static Task Command(RespSession s, byte[][] args)
    {
        var sub = args.Length > 1 ? Word(args[1]) : "";
        switch (sub)
        {
            case "":
                WriteCommandInfos(s, RespCommandTable.All);
                break;
            case "COUNT":
                s.Writer.Integer(RespCommandTable.All.Count);
                break;
            case "INFO":
                WriteCommandInfos(s, args.Skip(2).Select(a => RespCommandTable.ByName.GetValueOrDefault(Encoding.UTF8.GetString(a))).ToArray());
                break;
            case "DOCS":
                var specs = args.Length > 2
                    ? args.Skip(2).Select(a => RespCommandTable.ByName.GetValueOrDefault(Encoding.UTF8.GetString(a))).OfType<RespCommandSpec>().ToArray()
                    : RespCommandTable.All.ToArray();
                s.Writer.Map(specs.Length);
                foreach (var spec in specs)
                {
                    s.Writer.Bulk(spec.Name.ToLowerInvariant());
                    s.Writer.Map(2);
                    s.Writer.Bulk("summary"); s.Writer.Bulk(spec.Consistency);
                    s.Writer.Bulk("notes"); s.Writer.Bulk(spec.Notes);
                }
                break;
            default:
                s.Writer.Error(RespErrors.UnknownSubcommand("command", Encoding.UTF8.GetString(args[1])));
                break;
        }

        return Task.CompletedTask;
    }

    /// <summary>Redis's COMMAND reply shape: name, arity, flags, first key, last key, step.</summary>
    private static void WriteCommandInfos(RespSession s, IReadOnlyList<RespCommandSpec?> specs)
    {
        s.Writer.Array(specs.Count);
        foreach (var spec in specs)
        {
            if (spec is null)
            {
                s.Writer.NullArray();
                continue;
            }

            var flags = new List<string>();
            if ((spec.Flags & RespCommandFlags.Write) != 0) flags.Add("write");
            if ((spec.Flags & RespCommandFlags.Read) != 0) flags.Add("readonly");
            if ((spec.Flags & RespCommandFlags.Admin) != 0) flags.Add("admin");
            if ((spec.Flags & RespCommandFlags.NoAuth) != 0) flags.Add("no_auth");
            s.Writer.Array(6);
            s.Writer.Bulk(spec.Name.ToLowerInvariant());
            s.Writer.Integer(spec.Arity);
            s.Writer.Set(flags.Count);
            foreach (var flag in flags) s.Writer.Simple(flag);
            s.Writer.Integer(spec.FirstKey);
            s.Writer.Integer(spec.LastKey);
            s.Writer.Integer(spec.Step);
        }
    }
}
