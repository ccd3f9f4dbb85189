// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>A parsed PUT: the value, its content type, the absolute expiry and the write condition.</summary>
public sealed record PutRequest(ReadOnlyMemory<byte> Value, string ContentType, long? ExpiresAtMs, WriteCondition Condition, ulong ExpectedVersion);

/// <summary>
/// Reads a PUT body in either form of API.md: a JSON envelope <c>{"data": …, "expiration_date" | "ttl_seconds"}</c>
/// (the stored value is the raw JSON text of <c>data</c>), or raw bytes of any other content type with the
/// expiry in the query string. Every failure is a problem result; nothing is proposed then.
/// </summary>
public static class PutRequestReader
{
    public const string JsonContentType = "application/json";

    /// <summary>The UTF-8 of <see cref="JsonContentType"/>, stored with every JSON value (shared, never written).</summary>
    public static readonly byte[] JsonContentTypeBytes = Encoding.UTF8.GetBytes(JsonContentType);

    /// <summary>Room for the JSON envelope around a value of the maximum size.</summary>
    public const int EnvelopeSlackBytes = 64 << 10;

    public static (PutRequest? Request, IResult? Problem) Parse(HttpRequest request, byte[] body, int maxValueBytes, int defaultTtlSeconds, long nowMs)
    {
        if (!TryReadConditions(request, out var condition, out var expected, out var conditionError)) return (null, Problems.BadRequest(conditionError));
        var contentType = request.ContentType;
        if (string.IsNullOrWhiteSpace(contentType))
            return (null, Problems.UnsupportedMediaType("A PUT needs a Content-Type: application/json for a JSON envelope, or the raw value's own type."));
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is null)
            return (null, Problems.UnsupportedMediaType($"Content-Type '{contentType}' cannot be parsed."));

        var isJson = IsJson(media.MediaType.Value);

        if (isJson)
        {
            if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
                return (null, Problems.UnsupportedMediaType($"JSON bodies must be UTF-8, not {media.Charset}."));
            return ParseEnvelope(body, maxValueBytes, defaultTtlSeconds, nowMs, condition, expected);
        }
        if (body.Length > maxValueBytes) return (null, Problems.TooLarge(maxValueBytes));
        if (Encoding.UTF8.GetByteCount(contentType) > CacheCommand.MaxContentTypeBytes)
            return (null, Problems.BadRequest($"The content type is longer than {CacheCommand.MaxContentTypeBytes} bytes."));
        var query = request.Query;
        if (!ExpiryParser.TryResolve(query["expiration_date"].FirstOrDefault(), query["ttl_seconds"].FirstOrDefault(), nowMs, defaultTtlSeconds, out var expiry, out var error))
            return (null, Problems.BadRequest(error));
        return (new PutRequest(body, contentType, expiry, condition, expected), null);
    }

    public static bool IsJson(string mediaType) =>
        mediaType.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static (PutRequest?, IResult?) ParseEnvelope(byte[] body, int maxValueBytes, int defaultTtlSeconds, long nowMs, WriteCondition condition, ulong expected)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON: {e.Message}"));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, Problems.BadRequest("The body must be a JSON object {\"data\": …}."));
            if (!root.TryGetProperty("data", out var data))
                return (null, Problems.BadRequest("The body has no \"data\" member."));
            string? date = null, ttl = null;
            if (root.TryGetProperty("expiration_date", out var dateElement) && dateElement.ValueKind != JsonValueKind.Null)
            {
                if (dateElement.ValueKind != JsonValueKind.String) return (null, Problems.BadRequest("expiration_date must be a string."));
                date = dateElement.GetString();
            }
            if (root.TryGetProperty("ttl_seconds", out var ttlElement) && ttlElement.ValueKind != JsonValueKind.Null)
            {
                if (ttlElement.ValueKind != JsonValueKind.Number) return (null, Problems.BadRequest("ttl_seconds must be a number."));
                ttl = ttlElement.GetRawText();
            }
            if (!ExpiryParser.TryResolve(date, ttl, nowMs, defaultTtlSeconds, out var expiry, out var error)) return (null, Problems.BadRequest(error));
            // The raw UTF-8 of "data" as it was sent: no round trip through a UTF-16 string.
            // A slice of the body (the document reads the body in place): the command is the first copy of the value.
            var raw = JsonMarshal.GetRawUtf8Value(data);
            ReadOnlyMemory<byte> value = body.AsSpan().Overlaps(raw, out var offset) ? body.AsMemory(offset, raw.Length) : raw.ToArray();
            if (value.Length > maxValueBytes) return (null, Problems.TooLarge(maxValueBytes));
            return (new PutRequest(value, JsonContentType, expiry, condition, expected), null);
        }
    }

    /// <summary>If-Match: "&lt;version&gt;" is compare-and-set; If-None-Match: * is create-only.</summary>
    public static bool TryReadConditions(HttpRequest request, out WriteCondition condition, out ulong expected, out string error)
    {
        condition = WriteCondition.None;
        expected = 0;
        error = "";
        var ifMatch = request.Headers.IfMatch.ToString();
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifMatch.Length > 0 && ifNoneMatch.Length > 0)
        {
            error = "Give If-Match or If-None-Match, not both.";
            return false;
        }
        if (ifMatch.Length > 0)
        {
            if (!TryParseETag(ifMatch, out expected))
            {
                error = $"If-Match must be a quoted version such as \"42\", was {ifMatch}.";
                return false;
            }
            condition = WriteCondition.IfVersion;
        }
        else if (ifNoneMatch.Length > 0)
        {
            if (ifNoneMatch.Trim() != "*")
            {
                error = "If-None-Match supports only * (create if absent).";
                return false;
            }
            condition = WriteCondition.IfAbsent;
        }
        return true;
    }

    public static string ETag(ulong version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    private static bool TryParseETag(string text, out ulong version)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("W/", StringComparison.Ordinal)) trimmed = trimmed[2..];
        version = 0;
        return trimmed.Length >= 3 && trimmed[0] == '"' && trimmed[^1] == '"'
            && ulong.TryParse(trimmed.AsSpan(1, trimmed.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out version)
            && version > 0;
    }

    /// <summary>The whole body, or null once it exceeds <paramref name="limit"/> bytes (read no further).</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        if (request.ContentLength is { } length)
        {
            // The usual case: read straight into an array of the announced size, no growing buffer and no final copy.
            var body = new byte[length];
            var filled = await request.Body.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken);
            // Kestrel stops the body at Content-Length and fails a request whose body ends early; keep what was read otherwise.
            return filled == body.Length ? body : body.AsSpan(0, filled).ToArray();
        }
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0) return buffer.WrittenSpan.ToArray();
            buffer.Advance(read);
            if (buffer.WrittenCount > limit) return null;
        }
    }
}
