// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using RaftCache.Cli.Connection;

namespace RaftCache.Cli.Commands;

/// <summary>
/// raftcache watch: the cluster's event stream, GET /admin/events (text/event-stream: "event:" and "data:" lines,
/// a blank line ends an event). Needs a node that serves it; one without it is a one-line error.
/// </summary>
public static class WatchCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "stop after this many events (0 = until Ctrl-C)", DefaultValueFactory = _ => 0 };
        var watch = new Command("watch", "Print the cluster's events (membership, leadership, moves, members down and up) as they happen.") { count };
        return watch.Runs(async (context, parse, ct) =>
        {
            var limit = parse.GetValue(count);
            using var response = await context.Client.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, "/admin/events");
                request.Headers.Accept.ParseAdd("text/event-stream");
                return request;
            }, ct, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
                throw new CliException(ExitCodes.NotFound, "This cluster serves no event stream (GET /admin/events answered 404): its nodes predate it.");
            await RestClient.EnsureSuccessAsync(response, ct);
            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
                throw new CliException(ExitCodes.ServerError, $"GET /admin/events answered {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not text/event-stream.");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            var seen = 0;
            string? name = null;
            var data = new List<string>();
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal)) name = line[6..].Trim();
                else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Add(line[5..].TrimStart());
                else if (line.Length == 0 && data.Count > 0)
                {
                    Print(context, name ?? "message", string.Join('\n', data));
                    (name, data) = (null, []);
                    if (limit > 0 && ++seen >= limit) return ExitCodes.Ok;
                }
            }
            throw new CliException(ExitCodes.Unreachable, "The event stream ended (the node stopped?).");
        });
    }

    private static void Print(CliContext context, string name, string data)
    {
        JsonNode? payload;
        try
        {
            payload = JsonNode.Parse(data);
        }
        catch (JsonException)
        {
            payload = data;
        }
        if (context.Json) Console.Out.WriteLine(new JsonObject { ["event"] = name, ["data"] = payload }.ToJsonString());
        else context.Printer.Line($"{DateTimeOffset.UtcNow:HH:mm:ss} {name} {data}");
    }
}
