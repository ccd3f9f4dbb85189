// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RaftCache.Cli.Output;
using Spectre.Console;

namespace RaftCache.Cli.Commands;

/// <summary>
/// raftcache check: every shard's voters report the same applied index and state hash (like etcdctl endpoint
/// hashkv). Under writes the indexes differ for a moment, so it asks again (bounded) until they agree or time runs out.
/// </summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var wait = new Option<double>("--wait-seconds") { Description = "keep asking this long for replicas that are still catching up", DefaultValueFactory = _ => 10 };
        var check = new Command("check", "Check that every shard's replicas have the same applied index and state hash (exit 1 when not).") { wait };
        return check.Runs(async (context, parse, ct) =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(parse.GetValue(wait));
            JsonObject result;
            while (true)
            {
                result = await CheckOnceAsync(context, ct);
                if ((bool)result["consistent"]! || DateTime.UtcNow >= deadline) break;
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
            Print(context, result);
            return (bool)result["consistent"]! ? ExitCodes.Ok : ExitCodes.Failed;
        });
    }

    public static async Task<JsonObject> CheckOnceAsync(CliContext context, CancellationToken ct)
    {
        var (view, byMember) = await ClusterViews.FetchAllAsync(context, ct);
        var shards = new JsonArray();
        var all = true;
        foreach (var s in view.GetProperty("shards").EnumerateArray())
        {
            var id = s.GetProperty("id").GetInt32();
            var voters = s.GetProperty("configuration").ValueKind == JsonValueKind.Object
                ? s.GetProperty("configuration").GetProperty("voters").EnumerateArray().Select(v => v.GetUInt64()).ToArray()
                : s.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("id").GetUInt64()).ToArray();
            var replicas = new JsonArray();
            var seen = new HashSet<(ulong, string)>();
            foreach (var voter in voters)
            {
                var own = byMember.GetValueOrDefault(voter) is { } mv ? ClusterViews.OwnReplica(mv, id) : null;
                seen.Add(own is { } o ? (o.Applied, o.Hash) : (0, "unreachable"));
                replicas.Add(new JsonObject { ["id"] = voter, ["applied_index"] = own?.Applied, ["state_hash"] = own?.Hash });
            }
            var consistent = seen.Count == 1 && !seen.Contains((0, "unreachable"));
            all &= consistent;
            shards.Add(new JsonObject { ["id"] = id, ["consistent"] = consistent, ["replicas"] = replicas });
        }
        return new JsonObject
        {
            ["consistent"] = all,
            ["unreachable"] = new JsonArray(byMember.Where(m => m.Value is null).Select(m => (JsonNode?)m.Key).ToArray()),
            ["shards"] = shards,
        };
    }

    private static void Print(CliContext context, JsonObject result)
    {
        if (context.Json)
        {
            context.Printer.WriteJson(result);
            return;
        }
        var table = Printer.Table("shard", "ok", "replicas (id: applied index / state hash)");
        foreach (var s in result["shards"]!.AsArray())
        {
            table.AddCells(s!["id"]!.ToString(), (bool)s["consistent"]! ? "yes" : "NO",
                string.Join("  ", s["replicas"]!.AsArray().Select(r => $"{r!["id"]}: {r["applied_index"]?.ToString() ?? "?"} / {r["state_hash"]?.ToString() ?? "no answer"}")));
        }
        context.Printer.Write(table);
        context.Printer.Line((bool)result["consistent"]! ? "All replicas agree." : "Replicas differ (or did not answer).");
    }
}
