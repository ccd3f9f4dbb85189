// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RaftCache.Cli.Connection;
using RaftCache.Cli.Output;
using Spectre.Console;

namespace RaftCache.Cli.Commands;

/// <summary>raftcache get|put|delete|keys: the key-value API.</summary>
public static class KeyCommands
{
    public static IEnumerable<Command> Create() => [Get(), KeyPut.Create(), Delete(), Keys()];

    /// <summary>The request path of a key: each segment escaped, '/' kept (keys may contain it, API.md).</summary>
    public static string PathOf(string key) => "/keys/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    public static Argument<string> KeyArgument() => new("key") { Description = "the key (UTF-8, 1 to 1,024 bytes)" };

    public static Option<ulong?> IfMatchOption() => new("--if-match") { Description = "only if the key's current version is this one (compare-and-set)" };

    private static Command Get()
    {
        var key = KeyArgument();
        var consistency = new Option<string>("--consistency") { Description = "linearizable (default), lease or local (this node's replica, possibly stale)", DefaultValueFactory = _ => "linearizable" };
        consistency.AcceptOnlyFromAmong("linearizable", "lease", "local");
        var output = new Option<FileInfo?>("--out") { Description = "write a raw value's bytes to this file instead of stdout" };
        var get = new Command("get", "Read a key: a JSON value as JSON, a raw value as its bytes (exit 5 when absent).") { key, consistency, output };
        return get.Runs(async (context, parse, ct) =>
        {
            var name = parse.GetValue(key)!;
            using var response = await context.Client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{PathOf(name)}?consistency={parse.GetValue(consistency)}"), ct);
            if (response.StatusCode == HttpStatusCode.NotFound && response.Content.Headers.ContentType?.MediaType == "application/json")
                throw new CliException(ExitCodes.NotFound, $"Key '{name}' not found.");
            await RestClient.EnsureSuccessAsync(response, ct);
            var type = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            var version = response.Headers.ETag?.Tag.Trim('"');
            if (response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                using var document = JsonDocument.Parse(bytes);
                if (context.Json) context.Printer.WriteJson(document.RootElement);
                else Console.Out.WriteLine(document.RootElement.GetProperty("data").GetRawText());
                return ExitCodes.Ok;
            }
            if (parse.GetValue(output) is { } file) await File.WriteAllBytesAsync(file.FullName, bytes, ct);
            if (context.Json)
            {
                var text = TryUtf8(bytes);
                context.Printer.WriteJson(new JsonObject
                {
                    ["key"] = name,
                    ["content_type"] = type,
                    ["version"] = version is null ? null : ulong.Parse(version, CultureInfo.InvariantCulture),
                    [text is null ? "value_base64" : "value"] = text ?? Convert.ToBase64String(bytes),
                });
            }
            else if (parse.GetValue(output) is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(bytes, ct);
            }
            return ExitCodes.Ok;
        });
    }

    private static Command Delete()
    {
        var key = KeyArgument();
        var ifMatch = IfMatchOption();
        var delete = new Command("delete", "Delete a key (deleting an absent key succeeds too).") { key, ifMatch };
        return delete.Runs(async (context, parse, ct) =>
        {
            var name = parse.GetValue(key)!;
            using var response = await context.Client.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Delete, PathOf(name));
                if (parse.GetValue(ifMatch) is { } v) request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{v}\""));
                return request;
            }, ct);
            await RestClient.EnsureSuccessAsync(response, ct);
            if (context.Json) context.Printer.WriteJson(new JsonObject { ["key"] = name, ["deleted"] = true });
            else context.Printer.Line($"deleted '{name}'");
            return ExitCodes.Ok;
        });
    }

    private static Command Keys()
    {
        var limit = new Option<int>("--limit") { Description = "stop after this many keys (0 = all)", DefaultValueFactory = _ => 0 };
        var keys = new Command("keys", "List keys across all shards with version, expiry and size.") { limit };
        return keys.Runs(async (context, parse, ct) =>
        {
            var max = parse.GetValue(limit);
            if (max < 0) throw new CliException(ExitCodes.Usage, "--limit must be 0 or more.");
            var list = new JsonArray();
            var missing = new SortedSet<int>();
            string? cursor = null;
            do
            {
                var page = await context.Client.GetJsonAsync($"/admin/keys?limit=1000{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", ct);
                foreach (var k in page.GetProperty("keys").EnumerateArray())
                {
                    if (max > 0 && list.Count >= max) break;
                    list.Add(JsonNode.Parse(k.GetRawText()));
                }
                foreach (var s in page.GetProperty("shards_unavailable").EnumerateArray()) missing.Add(s.GetInt32());
                cursor = page.GetProperty("next_cursor").GetString();
            }
            while (cursor is not null && (max == 0 || list.Count < max));
            if (missing.Count > 0) context.Printer.Note($"no replica of shards {string.Join(", ", missing)} answered: their keys are not listed");
            if (context.Json)
            {
                context.Printer.WriteJson(list);
                return ExitCodes.Ok;
            }
            var table = Printer.Table("key", "version", "expires", "size");
            foreach (var k in list) table.AddCells(k!["key"]!.ToString(), k["version"]!.ToString(), k["expiration_date"]?.ToString() ?? "never", k["size"]!.ToString());
            context.Printer.Write(table);
            return ExitCodes.Ok;
        });
    }

    private static string? TryUtf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
