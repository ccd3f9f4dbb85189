// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Node.Requests;
using RaftCache.Node.Security;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>The key-value API of API.md: PUT, GET and DELETE on /keys/{key}, served by any node.</summary>
public static class KeysEndpoints
{
    public static void MapKeys(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/keys").WithTags("Keys");
        keys.MapPut("/{**key}", PutAsync).WithName("PutKey").WithDocs(KeyDocs.Put).RequireAuthorization(Roles.Policies.Write);
        keys.MapGet("/{**key}", GetAsync).WithName("GetKey").WithDocs(KeyDocs.Get).RequireAuthorization(Roles.Policies.Read);
        keys.MapDelete("/{**key}", DeleteAsync).WithName("DeleteKey").WithDocs(KeyDocs.Delete).RequireAuthorization(Roles.Policies.Write);
    }

    internal static async Task<IResult> PutAsync(string key, HttpContext http, KeyRequests requests)
    {
        if (!KeyValidation.TryEncode(key, out var keyBytes, out var error)) return Problems.BadRequest(error);
        var limits = requests.Options;
        var body = await PutRequestReader.ReadBodyAsync(http.Request, limits.MaxValueBytes + PutRequestReader.EnvelopeSlackBytes, http.RequestAborted);
        if (body is null) return Problems.TooLarge(limits.MaxValueBytes);
        var now = requests.NowMs;
        var (request, problem) = MultipartPut.IsMultipart(http.Request)
            ? await MultipartPut.ParseAsync(http.Request, body, limits.MaxValueBytes, limits.DefaultTtlSeconds, now, http.RequestAborted)
            : PutRequestReader.Parse(http.Request, body, limits.MaxValueBytes, limits.DefaultTtlSeconds, now);
        if (problem is not null) return problem;
        var contentType = request!.ContentType == PutRequestReader.JsonContentType ? PutRequestReader.JsonContentTypeBytes : Encoding.UTF8.GetBytes(request.ContentType);
        var outcome = await requests.WriteAsync(http, requests.Cluster.ShardOfKey(keyBytes), session => CommandCodec.EncodePut(
            keyBytes, request.Value.Span, contentType, now,
            request.ExpiresAtMs is null ? ExpiryMode.None : ExpiryMode.At, request.ExpiresAtMs ?? 0,
            request.Condition, request.ExpectedVersion, session));
        return KeyRequests.WriteResult(outcome, () =>
        {
            http.Response.Headers.ETag = PutRequestReader.ETag(outcome.Result.Version);
            return TypedResults.Ok(new PutResponse(key, outcome.Result.Version, ExpiryParser.Format(request.ExpiresAtMs)));
        });
    }

    /// <summary>A read this node answers at once completes synchronously: no task, no state machine.</summary>
    internal static ValueTask<IResult> GetAsync(string key, HttpContext http, KeyRequests requests)
    {
        if (!KeyValidation.TryEncode(key, out var keyBytes, out var error)) return new(Problems.BadRequest(error));
        if (!TryReadConsistency(http.Request, out var consistency, out error)) return new(Problems.BadRequest(error));
        var read = requests.ReadAsync(http, requests.Cluster.ShardOfKey(keyBytes), keyBytes, consistency);
        return read.IsCompletedSuccessfully ? new(Answer(key, read.Result, http)) : AnswerAsync(key, read, http);
    }

    private static async ValueTask<IResult> AnswerAsync(string key, ValueTask<ReadOutcome> read, HttpContext http) => Answer(key, await read, http);

    private static IResult Answer(string key, in ReadOutcome outcome, HttpContext http)
    {
        return outcome.Fate switch
        {
            ReadFate.Found => Found(key, outcome.Entry, http),
            ReadFate.NotFound => NotFound(),
            _ => KeyRequests.Unavailable(outcome),
        };
    }

    internal static async Task<IResult> DeleteAsync(string key, HttpContext http, KeyRequests requests)
    {
        if (!KeyValidation.TryEncode(key, out var keyBytes, out var error)) return Problems.BadRequest(error);
        if (!PutRequestReader.TryReadConditions(http.Request, out var condition, out var expected, out error)) return Problems.BadRequest(error);
        if (condition == WriteCondition.IfAbsent) return Problems.BadRequest("If-None-Match does not apply to DELETE.");
        var now = requests.NowMs;
        var outcome = await requests.WriteAsync(http, requests.Cluster.ShardOfKey(keyBytes), session => CommandCodec.EncodeDelete(keyBytes, now, condition, expected, session));
        return KeyRequests.WriteResult(outcome, () => TypedResults.NoContent());
    }

    /// <summary>
    /// <see cref="TryReadConsistency(IQueryCollection, out ReadConsistency, out string)"/> of the request's query: the
    /// query strings a get carries most (none, or one consistency level) are recognised as they are, so the query is
    /// parsed into a collection only for anything else.
    /// </summary>
    internal static bool TryReadConsistency(HttpRequest request, out ReadConsistency consistency, out string error)
    {
        error = "";
        switch (request.QueryString.Value)
        {
            case null or "" or "?consistency=linearizable":
                consistency = ReadConsistency.Linearizable;
                return true;
            case "?consistency=lease":
                consistency = ReadConsistency.Lease;
                return true;
            case "?consistency=local":
                consistency = ReadConsistency.Local;
                return true;
            default:
                return TryReadConsistency(request.Query, out consistency, out error);
        }
    }

    /// <summary>API.md: consistency=linearizable|lease|local; use_cache=true is local, use_cache=false linearizable.</summary>
    public static bool TryReadConsistency(IQueryCollection query, out ReadConsistency consistency, out string error)
    {
        consistency = ReadConsistency.Linearizable;
        error = "";
        var mode = query["consistency"].ToString();
        var useCache = query["use_cache"].ToString();
        if (mode.Length > 0 && useCache.Length > 0)
        {
            error = "Give consistency or use_cache, not both.";
            return false;
        }
        if (useCache.Length > 0)
        {
            if (!bool.TryParse(useCache, out var cached))
            {
                error = $"use_cache must be true or false, was '{useCache}'.";
                return false;
            }
            consistency = cached ? ReadConsistency.Local : ReadConsistency.Linearizable;
            return true;
        }
        switch (mode.ToLowerInvariant())
        {
            case "" or "linearizable": return true;
            case "lease": consistency = ReadConsistency.Lease; return true;
            case "local": consistency = ReadConsistency.Local; return true;
            default:
                error = $"consistency must be linearizable, lease or local, was '{mode}'.";
                return false;
        }
    }

    private static IResult Found(string key, StoredValue entry, HttpContext http)
    {
        http.Response.Headers.ETag = PutRequestReader.ETag(entry.Version);
        return IsJson(entry.ContentType.Span)
            ? JsonValueResult.Of(key, entry)
            : TypedResults.Bytes(entry.Value, Encoding.UTF8.GetString(entry.ContentType.Span));
    }

    /// <summary><see cref="PutRequestReader.IsJson"/> on the stored UTF-8 content type, parameters ignored, without decoding it.</summary>
    internal static bool IsJson(ReadOnlySpan<byte> contentType)
    {
        var semicolon = contentType.IndexOf((byte)';');
        var untrimmed = semicolon < 0 ? contentType : contentType[..semicolon];
        var mediaType = untrimmed[System.Text.Ascii.Trim(untrimmed)];
        return System.Text.Ascii.EqualsIgnoreCase(mediaType, "application/json"u8)
            || (mediaType.Length >= 5 && System.Text.Ascii.EqualsIgnoreCase(mediaType[^5..], "+json"u8));
    }

    /// <summary>API.md: 404 with the JSON body <c>null</c>, so get(key) → null works unchanged.</summary>
    private static IResult NotFound() => new NullNotFound();

    private sealed class NullNotFound : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status404NotFound;
            httpContext.Response.ContentType = PutRequestReader.JsonContentType;
            return httpContext.Response.WriteAsync("null", httpContext.RequestAborted);
        }
    }
}

/// <summary>The answer to a successful PUT.</summary>
public sealed record PutResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("key")] string Key,
    [property: System.Text.Json.Serialization.JsonPropertyName("version")] ulong Version,
    [property: System.Text.Json.Serialization.JsonPropertyName("expiration_date")] string? ExpirationDate);
