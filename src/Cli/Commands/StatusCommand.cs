// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RaftCache.Cli.Output;
using Spectre.Console;

namespace RaftCache.Cli.Commands;

/// <summary>raftcache status: members with their state, shards with leader, replicas, term, applied index and lag, moves.</summary>
public static class StatusCommand
{
    public static Command Create() => new Command("status", "Members with state; shards with leader, replicas, term, applied index and lag; moves in progress.")
        .Runs(async (context, _, ct) =>
        {
            var (view, byMember) = await ClusterViews.FetchAllAsync(context, ct);
            var status = Build(view, byMember);
            if (context.Json)
            {
                context.Printer.WriteJson(status);
                return ExitCodes.Ok;
            }
            var members = Printer.Table("member", "address", "state", "answers");
            foreach (var m in status["members"]!.AsArray())
                members.AddCells(m!["id"]!.ToString(), m["address"]?.ToString() ?? "", m["state"]!.ToString(), (bool)m["reachable"]! ? "yes" : "no");
            context.Printer.Write(members);
            var shards = Printer.Table("shard", "slots", "leader", "term", "replicas (id:applied/lag)", "keys");
            foreach (var s in status["shards"]!.AsArray())
            {
                var replicas = string.Join(" ", s!["replicas"]!.AsArray().Select(r => $"{r!["id"]}:{r["applied_index"]?.ToString() ?? "?"}/{r["lag"]?.ToString() ?? "?"}"));
                shards.AddCells(s["id"]!.ToString(), s["slots"]!.ToJsonString(), s["leader"]!.ToString(), s["term"]!.ToString(), replicas, s["keys"]?.ToString() ?? "");
            }
            context.Printer.Write(shards);
            var moves = status["moves"]!.AsArray();
            context.Printer.Line(moves.Count == 0 ? "No moves in progress." : $"Moves in progress: {string.Join(", ", moves.Select(m => $"shard {m!["shard"]} {m["from"]!.ToJsonString()} -> {m["to"]!.ToJsonString()}"))}");
            return ExitCodes.Ok;
        });

    public static JsonObject Build(JsonElement view, IReadOnlyDictionary<ulong, JsonElement?> byMember)
    {
        var members = new JsonArray();
        foreach (var m in view.GetProperty("members").EnumerateArray())
        {
            var id = m.GetProperty("id").GetUInt64();
            members.Add(new JsonObject
            {
                ["id"] = id,
                ["address"] = m.GetProperty("address").GetString(),
                ["state"] = m.GetProperty("state").GetString(),
                ["last_heartbeat"] = JsonNode.Parse(m.GetProperty("last_heartbeat").GetRawText()),
                ["reachable"] = byMember.GetValueOrDefault(id) is not null,
            });
        }
        var shards = new JsonArray();
        foreach (var s in view.GetProperty("shards").EnumerateArray())
        {
            var id = s.GetProperty("id").GetInt32();
            var leader = s.GetProperty("leader").GetUInt64();
            var leaderApplied = byMember.GetValueOrDefault(leader) is { } lv ? ClusterViews.OwnReplica(lv, id)?.Applied : null;
            var replicas = new JsonArray();
            foreach (var r in s.GetProperty("replicas").EnumerateArray())
            {
                var replica = r.GetProperty("id").GetUInt64();
                var applied = byMember.GetValueOrDefault(replica) is { } rv ? ClusterViews.OwnReplica(rv, id)?.Applied : null;
                replicas.Add(new JsonObject
                {
                    ["id"] = replica,
                    ["role"] = r.GetProperty("role").GetString(),
                    ["applied_index"] = applied,
                    ["lag"] = applied is { } a && leaderApplied is { } l ? (long)l - (long)a : null,
                });
            }
            shards.Add(new JsonObject
            {
                ["id"] = id,
                ["slots"] = JsonNode.Parse(s.GetProperty("slots").GetRawText()),
                ["leader"] = leader,
                ["term"] = s.GetProperty("term").GetUInt64(),
                ["replicas"] = replicas,
                ["keys"] = s.GetProperty("keys").ValueKind == JsonValueKind.Number ? s.GetProperty("keys").GetInt64() : null,
            });
        }
        return new JsonObject
        {
            ["cluster_id"] = view.GetProperty("cluster_id").GetString(),
            ["metadata_leader"] = view.GetProperty("metadata_leader").GetUInt64(),
            ["members"] = members,
            ["shards"] = shards,
            ["moves"] = JsonNode.Parse(view.GetProperty("moves").GetRawText()),
        };
    }
}
