// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>
/// PUT /keys/{key} as <c>multipart/form-data</c>, as browsers and upload tools send files: the part named <c>file</c>
/// is stored raw with its own content type (application/octet-stream when it names none); the expiry comes from the
/// query as for any raw PUT. Other parts are ignored. Same limits as a raw PUT.
/// </summary>
public static class MultipartPut
{
    public const string FieldName = "file";

    /// <summary>Parts read at most before the file part must have come (a form of thousands of fields is refused).</summary>
    public const int MaxParts = 16;

    public static bool IsMultipart(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
        && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    public static async Task<(PutRequest? Request, IResult? Problem)> ParseAsync(HttpRequest request, byte[] body, int maxValueBytes, int defaultTtlSeconds, long nowMs, CancellationToken cancellationToken)
    {
        if (!PutRequestReader.TryReadConditions(request, out var condition, out var expected, out var conditionError)) return (null, Problems.BadRequest(conditionError));
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70) return (null, Problems.BadRequest("multipart/form-data needs a boundary of 1 to 70 characters."));
        var query = request.Query;
        if (!ExpiryParser.TryResolve(query["expiration_date"].FirstOrDefault(), query["ttl_seconds"].FirstOrDefault(), nowMs, defaultTtlSeconds, out var expiry, out var error))
            return (null, Problems.BadRequest(error));
        var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false)) { BodyLengthLimit = maxValueBytes, HeadersCountLimit = 16 };
        try
        {
            for (var part = 0; part < MaxParts && await reader.ReadNextSectionAsync(cancellationToken) is { } section; part++)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value != FieldName)
                {
                    continue;
                }
                using var value = new MemoryStream();
                await section.Body.CopyToAsync(value, cancellationToken);
                var contentType = string.IsNullOrWhiteSpace(section.ContentType) ? "application/octet-stream" : section.ContentType;
                if (Encoding.UTF8.GetByteCount(contentType) > CacheCommand.MaxContentTypeBytes)
                    return (null, Problems.BadRequest($"The file's content type is longer than {CacheCommand.MaxContentTypeBytes} bytes."));
                if (MediaTypeHeaderValue.TryParse(contentType, out var media) && PutRequestReader.IsJson(media.MediaType.Value ?? "") && !IsJson(value.ToArray()))
                    return (null, Problems.BadRequest("The file is declared JSON but is not valid JSON."));
                return (new PutRequest(value.ToArray(), contentType, expiry, condition, expected), null);
            }
        }
        catch (InvalidDataException e)
        {
            // MultipartReader's own limits (part size, header count) and malformed framing.
            return (null, e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) ? Problems.TooLarge(maxValueBytes) : Problems.BadRequest($"The multipart body is malformed: {e.Message}"));
        }
        catch (IOException e)
        {
            return (null, Problems.BadRequest($"The multipart body is malformed: {e.Message}"));
        }
        return (null, Problems.BadRequest($"The multipart body has no part named \"{FieldName}\"."));
    }

    private static bool IsJson(byte[] value)
    {
        try
        {
            using var _ = JsonDocument.Parse(value);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
