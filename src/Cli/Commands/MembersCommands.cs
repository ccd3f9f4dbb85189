// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json;
using RaftCache.Cli.Output;

namespace RaftCache.Cli.Commands;

/// <summary>raftcache members list|add|drain|remove.</summary>
public static class MembersCommands
{
    private static readonly Option<bool> NoWait = new("--no-wait") { Description = "return as soon as the cluster accepted the change" };

    private static readonly Option<double> WaitSeconds = new("--wait-seconds")
    {
        Description = "longest wait for the moves to settle (exit 1 beyond it; the moves go on)",
        DefaultValueFactory = _ => 600,
    };

    public static Command Create()
    {
        var members = new Command("members", "List, add, drain and remove members.");
        members.Subcommands.Add(new Command("list", "Members with address, state and last heartbeat.").Runs(ListAsync));

        var address = new Argument<string>("address") { Description = "REST URL of an empty node started with --join" };
        var id = new Option<ulong?>("--id") { Description = "the id to give it (default: the next unused id)" };
        var add = new Command("add", "Add a node; waits with a progress bar until its replicas have moved onto it.") { address, id, NoWait, WaitSeconds };
        add.Runs(async (context, parse, ct) =>
        {
            var added = await context.Client.SendJsonAsync(HttpMethod.Post, "/admin/members", new AddBody(parse.GetValue(address)!, parse.GetValue(id)), ct);
            var member = added.GetProperty("id").GetUInt64();
            return await FollowAsync(context, member, parse, ct, draining: false, added);
        });
        members.Subcommands.Add(add);

        var memberId = new Argument<ulong>("id") { Description = "the member's id" };
        var drain = new Command("drain", "Move every replica away from a member, then remove it; waits with a progress bar until it is removed.") { memberId, NoWait, WaitSeconds };
        drain.Runs(async (context, parse, ct) =>
        {
            var started = await context.Client.SendJsonAsync(HttpMethod.Delete, $"/admin/members/{parse.GetValue(memberId)}", null, ct);
            return await FollowAsync(context, parse.GetValue(memberId), parse, ct, draining: true, started);
        });
        members.Subcommands.Add(drain);

        // The REST API has one removal path, drain-then-remove: remove starts it and returns (drain --no-wait).
        var removeId = new Argument<ulong>("id") { Description = "the member's id" };
        var remove = new Command("remove", "Start removing a member (its replicas are drained first) and return at once; follow with 'members list'.") { removeId };
        remove.Runs(async (context, parse, ct) =>
        {
            var started = await context.Client.SendJsonAsync(HttpMethod.Delete, $"/admin/members/{parse.GetValue(removeId)}", null, ct);
            Print(context, started);
            return ExitCodes.Ok;
        });
        members.Subcommands.Add(remove);
        return members;
    }

    private static async Task<int> ListAsync(CliContext context, ParseResult parse, CancellationToken ct)
    {
        var view = await context.Client.GetJsonAsync("/admin/cluster", ct);
        if (context.Json)
        {
            context.Printer.WriteJson(view.GetProperty("members"));
            return ExitCodes.Ok;
        }
        var table = Printer.Table("id", "address", "peer address", "state", "last heartbeat");
        foreach (var m in view.GetProperty("members").EnumerateArray())
            table.AddCells(m.GetProperty("id").ToString(), m.GetProperty("address").ToString(), m.GetProperty("peer_address").ToString(), m.GetProperty("state").ToString(), m.GetProperty("last_heartbeat").ToString());
        context.Printer.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>Polls GET /admin/members/{id} until the member settled (active with no moves, or removed), with a progress bar on stderr.</summary>
    private static async Task<int> FollowAsync(CliContext context, ulong member, ParseResult parse, CancellationToken ct, bool draining, JsonElement first)
    {
        if (parse.GetValue(NoWait))
        {
            Print(context, first);
            return ExitCodes.Ok;
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(parse.GetValue(WaitSeconds));
        var initialReplicas = first.GetProperty("replicas").GetArrayLength();
        JsonElement last = first;
        var settled = false;
        await Output.ProgressReporter.RunAsync(context.Printer.Status, draining ? $"draining member {member}" : $"moving replicas onto member {member}", 1, async task =>
        {
            var initialMoves = -1;
            while (DateTime.UtcNow < deadline)
            {
                var view = await context.Client.GetJsonAsync("/admin/cluster", ct);
                using var response = await context.Client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/admin/members/{member}"), ct);
                last = await Connection.RestClient.ReadJsonAsync(response, ct);
                var state = last.GetProperty("state").GetString();
                var moves = view.GetProperty("moves").GetArrayLength();
                var replicas = state == "removed" ? 0 : last.GetProperty("replicas").GetArrayLength();
                var description = $"{(draining ? "draining" : "adding")} member {member}: {state}, {replicas} replicas, {moves} shard move(s) in progress";
                if (draining)
                {
                    settled = state == "removed";
                    task.Update(initialReplicas - replicas, Math.Max(1, initialReplicas), description);
                }
                else
                {
                    initialMoves = Math.Max(initialMoves, moves);
                    settled = state == "active" && moves == 0 && replicas > 0;
                    task.Update(initialMoves - moves, Math.Max(1, initialMoves), description);
                }
                if (settled)
                {
                    task.Update(task.MaxValue);
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        });
        Print(context, last);
        if (settled) return ExitCodes.Ok;
        await Console.Error.WriteLineAsync($"raftcache: member {member} did not settle within {parse.GetValue(WaitSeconds):0} s; the moves go on (follow with 'raftcache status').");
        return ExitCodes.Failed;
    }

    private static void Print(CliContext context, JsonElement member)
    {
        if (context.Json)
        {
            context.Printer.WriteJson(member);
            return;
        }
        context.Printer.Line($"member {member.GetProperty("id")}: {member.GetProperty("state")}, replicas {member.GetProperty("replicas")}, moves {member.GetProperty("moves").GetArrayLength()}");
    }

    private sealed record AddBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("address")] string Address,
        [property: System.Text.Json.Serialization.JsonPropertyName("id")][property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] ulong? Id);
}
