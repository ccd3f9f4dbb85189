// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;

namespace RaftCache.Node.Api;

/// <summary>The body of POST /cache as the OpenAPI document shows it; <see cref="CacheCommandRequest.TryParse"/> reads it.</summary>
public sealed record CacheCommandBody(
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] JsonElement? Value,
    [property: JsonPropertyName("expire")] JsonElement? Expire);

/// <summary>
/// A POST /cache command. <c>expire</c> is a number of seconds (a TTL) or an ISO 8601 instant, like
/// <c>ttl_seconds</c> and <c>expiration_date</c> of /keys; absent or null, the default TTL applies.
/// </summary>
public sealed record CacheCommandRequest(string Command, string Key, byte[] Value, string? ExpireSeconds, string? ExpireDate)
{
    public const string Write = "WRITE";
    public const string Read = "READ";
    public const string Delete = "DELETE";

    public static bool TryParse(string? contentType, byte[] body, out CacheCommandRequest request, out string error)
    {
        request = new CacheCommandRequest("", "", [], null, null);
        error = "";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type || !PutRequestReader.IsJson(type))
        {
            error = "POST /cache takes Content-Type: application/json.";
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail("The body must be a JSON object {\"command\", \"key\", …}.", out error);
            var command = root.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()!.ToUpperInvariant() : null;
            if (command is not (Write or Read or Delete)) return Fail("\"command\" must be \"WRITE\", \"READ\" or \"DELETE\".", out error);
            if (!root.TryGetProperty("key", out var k) || k.ValueKind != JsonValueKind.String) return Fail("\"key\" must be a string.", out error);
            var hasValue = root.TryGetProperty("value", out var value);
            if (command == Write && !hasValue) return Fail("WRITE needs a \"value\" (any JSON).", out error);
            string? seconds = null, date = null;
            if (root.TryGetProperty("expire", out var expire))
            {
                switch (expire.ValueKind)
                {
                    case JsonValueKind.Number: seconds = expire.GetRawText(); break;
                    case JsonValueKind.String: date = expire.GetString(); break;
                    case JsonValueKind.Null: break;
                    default: return Fail("\"expire\" must be a number of seconds or an ISO 8601 date.", out error);
                }
            }
            request = new CacheCommandRequest(command, k.GetString()!, command == Write ? Encoding.UTF8.GetBytes(value.GetRawText()) : [], seconds, date);
            return true;
        }
        catch (JsonException e)
        {
            return Fail($"The body is not valid JSON: {e.Message}", out error);
        }
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}

/// <summary>
/// The answer to a command: <c>status</c> is <c>SUCCESS</c> (200), or <c>NOT_FOUND</c> (404, a READ of an absent
/// or expired key; <c>value</c> null). Every other failure is problem details with its HTTP status, as on /keys.
/// </summary>
public sealed record CacheCommandResponse(
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("value")] JsonElement? Value,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("version")] ulong? Version,
    [property: JsonPropertyName("content_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentType = null)
{
    public const string Success = "SUCCESS";
    public const string NotFound = "NOT_FOUND";

    /// <summary>A JSON entry's value as it is; a raw entry's bytes as a base64 string, with its content type.</summary>
    public static IResult Of(string command, string key, Requests.StoredValue entry)
    {
        var contentType = Encoding.UTF8.GetString(entry.ContentType.Span);
        var isJson = PutRequestReader.IsJson(contentType.Split(';')[0].Trim());
        var value = isJson
            ? JsonDocument.Parse(entry.Value).RootElement.Clone()
            : JsonSerializer.SerializeToElement(Convert.ToBase64String(entry.Value.Span));
        return TypedResults.Ok(new CacheCommandResponse(command, Success, value, key, entry.Version, isJson ? null : contentType));
    }
}
