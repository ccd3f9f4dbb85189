// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>A request as it can be sent again: method, path and query, body, and the headers that matter.</summary>
public sealed record ForwardableRequest(string Method, string PathAndQuery, string? ContentType, byte[]? Body, string? IfMatch, string? IfNoneMatch)
{
    /// <summary>The caller's own credentials (Authorization, X-Api-Key): the leader authorises the forward as that caller.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Credentials { get; init; } = [];
}

/// <summary>
/// Sends a request this node cannot serve to the shard leader's REST endpoint and copies the answer back:
/// the client never sees a redirect (API.md). A write carries its session header, so a forward retried after a
/// lost answer is applied at most once; a hop counter stops forwarding loops while leadership moves.
/// </summary>
public sealed class LeaderForwarder(HttpClient http)
{
    public const string HopsHeader = "X-RaftCache-Hops";
    public const string SessionHeader = "X-RaftCache-Session";
    public const int MaxHops = 3;

    /// <summary>The answer, or null when the leader could not be reached (the caller re-routes and retries).</summary>
    public async Task<ForwardedResponse?> TryForwardAsync(ForwardableRequest request, Uri leader, int hops, ClientSession? session, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(leader, request.PathAndQuery));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }
        if (request.IfMatch is not null) message.Headers.TryAddWithoutValidation("If-Match", request.IfMatch);
        if (request.IfNoneMatch is not null) message.Headers.TryAddWithoutValidation("If-None-Match", request.IfNoneMatch);
        foreach (var (name, value) in request.Credentials) message.Headers.TryAddWithoutValidation(name, value);
        message.Headers.TryAddWithoutValidation(HopsHeader, hops.ToString(CultureInfo.InvariantCulture));
        if (session is { } s) message.Headers.TryAddWithoutValidation(SessionHeader, FormatSession(s));
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return new ForwardedResponse(
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.ToString(),
                response.Headers.ETag?.ToString(),
                response.Headers.RetryAfter?.ToString(),
                body)
            {
                WwwAuthenticate = response.Headers.WwwAuthenticate.Count > 0 ? response.Headers.WwwAuthenticate.ToString() : null,
            };
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The headers that carry a caller's credentials; a forward sends exactly these, never credentials of its own.</summary>
    public static readonly string[] CredentialHeaders = ["Authorization", Security.ApiKeyAuthenticationHandler.Header];

    public static IReadOnlyList<KeyValuePair<string, string>> CredentialsOf(HttpRequest request) =>
        CredentialHeaders.Where(h => request.Headers.ContainsKey(h)).Select(h => KeyValuePair.Create(h, request.Headers[h].ToString())).ToArray();

    public static void CopyCredentials(HttpRequest from, HttpRequestMessage to)
    {
        foreach (var (name, value) in CredentialsOf(from)) to.Headers.TryAddWithoutValidation(name, value);
    }

    public static int HopsOf(HttpRequest request) =>
        int.TryParse(request.Headers[HopsHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var hops) ? hops : 0;

    public static string FormatSession(ClientSession session) =>
        string.Create(CultureInfo.InvariantCulture, $"{session.ClientId:x}.{session.Sequence}.{session.FirstUnacknowledged}");

    public static bool TryParseSession(string? text, out ClientSession session)
    {
        session = default;
        if (string.IsNullOrEmpty(text)) return false;
        var parts = text.Split('.');
        if (parts.Length != 3
            || !ulong.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var client)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || client == 0 || sequence == 0 || first > sequence)
        {
            return false;
        }
        session = new ClientSession(client, sequence, first);
        return true;
    }
}

/// <summary>What the leader answered, ready to be copied to the client.</summary>
public sealed record ForwardedResponse(int Status, string? ContentType, string? ETag, string? RetryAfter, byte[] Body) : IResult
{
    /// <summary>The leader's challenge when it refused the caller's credentials (a 401 relayed as it was sent).</summary>
    public string? WwwAuthenticate { get; init; }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        if (ContentType is not null) response.ContentType = ContentType;
        if (ETag is not null) response.Headers.ETag = ETag;
        if (RetryAfter is not null) response.Headers.RetryAfter = RetryAfter;
        if (WwwAuthenticate is not null) response.Headers.WWWAuthenticate = WwwAuthenticate;
        // 204 and 304 carry no body: writing even an empty one is an error in ASP.NET Core.
        if (Status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified || Body.Length == 0) return;
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }
}
