// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json.Nodes;
using RaftCache.Cli.Output;
using Spectre.Console;

namespace RaftCache.Cli.Commands;

/// <summary>raftcache shards list|transfer-leader.</summary>
public static class ShardsCommands
{
    public static Command Create()
    {
        var shards = new Command("shards", "List shards; move a shard's leadership.");
        shards.Subcommands.Add(new Command("list", "Shards with slot range, leader, term, replicas and keys.").Runs(async (context, _, ct) =>
        {
            var view = await context.Client.GetJsonAsync("/admin/cluster", ct);
            var list = new JsonArray();
            foreach (var s in view.GetProperty("shards").EnumerateArray())
            {
                list.Add(new JsonObject
                {
                    ["id"] = s.GetProperty("id").GetInt32(),
                    ["slots"] = JsonNode.Parse(s.GetProperty("slots").GetRawText()),
                    ["leader"] = s.GetProperty("leader").GetUInt64(),
                    ["term"] = s.GetProperty("term").GetUInt64(),
                    ["replicas"] = new JsonArray(s.GetProperty("replicas").EnumerateArray().Select(r => (JsonNode?)new JsonObject
                    {
                        ["id"] = r.GetProperty("id").GetUInt64(),
                        ["role"] = r.GetProperty("role").GetString(),
                    }).ToArray()),
                    ["keys"] = JsonNode.Parse(s.GetProperty("keys").GetRawText()),
                });
            }
            if (context.Json)
            {
                context.Printer.WriteJson(list);
                return ExitCodes.Ok;
            }
            var table = Printer.Table("shard", "slots", "leader", "term", "replicas", "keys");
            foreach (var s in list)
            {
                table.AddCells(s!["id"]!.ToString(), s["slots"]!.ToJsonString(), s["leader"]!.ToString(), s["term"]!.ToString(),
                    string.Join(" ", s["replicas"]!.AsArray().Select(r => $"{r!["id"]}({r["role"]})")), s["keys"]?.ToString() ?? "");
            }
            context.Printer.Write(table);
            return ExitCodes.Ok;
        }));

        var shard = new Argument<int>("shard") { Description = "the shard's id" };
        var to = new Option<ulong>("--to") { Description = "the member to lead it (must hold a replica)", Required = true };
        var transfer = new Command("transfer-leader", "Move a shard's leadership to another of its replicas.") { shard, to };
        transfer.Runs(async (context, parse, ct) =>
        {
            var moved = await context.Client.SendJsonAsync(HttpMethod.Post, $"/admin/shards/{parse.GetValue(shard)}/transfer-leader", new Dictionary<string, ulong> { ["to"] = parse.GetValue(to) }, ct);
            if (context.Json) context.Printer.WriteJson(moved);
            else context.Printer.Line($"shard {moved.GetProperty("shard")} is led by member {moved.GetProperty("leader")}");
            return ExitCodes.Ok;
        });
        shards.Subcommands.Add(transfer);
        return shards;
    }
}
