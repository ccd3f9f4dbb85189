// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RaftCache.Cli.Connection;

namespace RaftCache.Cli.Commands;

/// <summary>raftcache put: a JSON value (--json) in the envelope, or raw bytes with their content type.</summary>
public static class KeyPut
{
    public static Command Create()
    {
        var key = KeyCommands.KeyArgument();
        var value = new Argument<string?>("value") { Description = "the value (or --file)", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<FileInfo?>("--file") { Description = "read the value's bytes from this file" };
        var json = new Option<bool>("--json") { Description = "the value is JSON (stored as JSON, read back as JSON)" };
        var contentType = new Option<string?>("--content-type") { Description = "content type of a raw value (default text/plain; charset=utf-8, or application/octet-stream with --file)" };
        var ttl = new Option<double?>("--ttl") { Description = "expire after this many seconds" };
        var expires = new Option<string?>("--expires") { Description = "expire at this instant (ISO 8601; UTC when no offset)" };
        var ifMatch = KeyCommands.IfMatchOption();
        var ifAbsent = new Option<bool>("--if-absent") { Description = "create only: fail when the key exists" };
        var put = new Command("put", "Write a key; without --ttl or --expires the cluster's default TTL applies.") { key, value, file, json, contentType, ttl, expires, ifMatch, ifAbsent };
        return put.Runs(async (context, parse, ct) =>
        {
            var name = parse.GetValue(key)!;
            var bytes = parse.GetValue(file) is { } f
                ? (parse.GetValue(value) is null ? await File.ReadAllBytesAsync(f.FullName, ct) : throw new CliException(ExitCodes.Usage, "Give a value or --file, not both."))
                : Encoding.UTF8.GetBytes(parse.GetValue(value) ?? throw new CliException(ExitCodes.Usage, "Give a value or --file."));
            var (ttlSeconds, expiresAt) = Expiry(parse.GetValue(ttl), parse.GetValue(expires));
            if (parse.GetValue(ifMatch) is not null && parse.GetValue(ifAbsent)) throw new CliException(ExitCodes.Usage, "Give --if-match or --if-absent, not both.");
            HttpContent Content()
            {
                if (!parse.GetValue(json))
                {
                    var raw = new ByteArrayContent(bytes);
                    var type = parse.GetValue(contentType) ?? (parse.GetValue(file) is null ? "text/plain; charset=utf-8" : "application/octet-stream");
                    if (!MediaTypeHeaderValue.TryParse(type, out var media)) throw new CliException(ExitCodes.Usage, $"'{type}' is not a content type.");
                    raw.Headers.ContentType = media;
                    return raw;
                }
                if (parse.GetValue(contentType) is not null) throw new CliException(ExitCodes.Usage, "--content-type does not apply to --json values.");
                var envelope = new JsonObject { ["data"] = ParseJson(bytes) };
                if (ttlSeconds is { } t) envelope["ttl_seconds"] = t;
                if (expiresAt is { } e) envelope["expiration_date"] = e;
                return new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json");
            }
            var query = parse.GetValue(json) ? "" : ttlSeconds is { } s ? $"?ttl_seconds={s.ToString(CultureInfo.InvariantCulture)}" : expiresAt is { } x ? $"?expiration_date={Uri.EscapeDataString(x)}" : "";
            var body = Content(); // bad input is refused before anything is sent
            using var response = await context.Client.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, KeyCommands.PathOf(name) + query) { Content = Clone(body) };
                if (parse.GetValue(ifMatch) is { } v) request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{v}\""));
                if (parse.GetValue(ifAbsent)) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
                return request;
            }, ct);
            var answer = await RestClient.ReadJsonAsync(response, ct);
            if (context.Json) context.Printer.WriteJson(answer);
            else context.Printer.Line($"'{name}' version {answer.GetProperty("version")}, expires {(answer.GetProperty("expiration_date").ValueKind == JsonValueKind.String ? answer.GetProperty("expiration_date").GetString() : "never")}");
            return ExitCodes.Ok;
        });
    }

    private static (double? Ttl, string? Expires) Expiry(double? ttl, string? expires)
    {
        if (ttl is not null && expires is not null) throw new CliException(ExitCodes.Usage, "Give --ttl or --expires, not both.");
        if (ttl is <= 0) throw new CliException(ExitCodes.Usage, "--ttl must be a positive number of seconds.");
        if (expires is null) return (ttl, null);
        if (!DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            throw new CliException(ExitCodes.Usage, $"--expires '{expires}' is not an ISO 8601 instant such as 2026-12-01T10:00:00Z.");
        return (null, at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
    }

    private static JsonNode? ParseJson(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"The value is not valid JSON: {e.Message}");
        }
    }

    private static ByteArrayContent Clone(HttpContent content)
    {
        var copy = new ByteArrayContent(content.ReadAsByteArrayAsync().GetAwaiter().GetResult());
        copy.Headers.ContentType = content.Headers.ContentType;
        return copy;
    }
}
