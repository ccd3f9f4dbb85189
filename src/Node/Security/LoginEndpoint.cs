// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Serialization;
using RaftCache.Node.Api;

namespace RaftCache.Node.Security;

/// <summary>
/// POST /login: exchanges an API key for a short-lived bearer token. The key comes in the body
/// (<c>{"key": "…"}</c>, or <c>{"api_key": "…"}</c> as simple cache services name it) or in the usual headers.
/// A wrong key is a failed attempt of the client address.
/// </summary>
public static class LoginEndpoint
{
    /// <summary>A login body is one short JSON object; anything longer is refused before it is read.</summary>
    public const int MaxBodyBytes = 4096;

    public static void MapLogin(this IEndpointRouteBuilder app, bool authEnabled)
    {
        app.MapPost("/login", (HttpContext http, ApiKeyStore keys, TokenService tokens, AuthFailureLimiter limiter) =>
                authEnabled ? LoginAsync(http, keys, tokens, limiter) : Task.FromResult(Problems.BadRequest("Authentication is off on this node (--no-auth): no token is needed.")))
            .AllowAnonymous()
            .Accepts<LoginRequest>("application/json")
            .Produces<LoginResponse>()
            .WithTags("Authentication")
            .WithName("Login")
            .WithDocs(new EndpointDoc(
                "Exchange an API key for a bearer token",
                "Send an API key as {\"key\": \"…\"} or {\"api_key\": \"…\"} (or in X-Api-Key / Authorization: ApiKey) and get a token to send as " +
                "Authorization: Bearer <token> on every call. The token carries the key's name and role, is valid on every " +
                "node of the cluster and expires after expires_in seconds (default 900). Repeated failures from one address answer 429.",
                RequestExample: """{"key": "<your API key>"}""",
                ResponseExamples: new Dictionary<int, string> { [200] = """{"access_token": "eyJhbGciOiJIUzI1NiIs…", "token_type": "Bearer", "expires_in": 900}""" },
                Errors: new Dictionary<int, string>
                {
                    [400] = "No key given, a malformed body, or authentication is off.",
                    [401] = "The key is not valid.",
                    [429] = "Too many failed attempts from this address; Retry-After says when to try again.",
                }));
    }

    private static async Task<IResult> LoginAsync(HttpContext http, ApiKeyStore keys, TokenService tokens, AuthFailureLimiter limiter)
    {
        var presented = Credentials.ApiKeyOf(http.Request);
        if (presented is null)
        {
            var body = await PutRequestReader.ReadBodyAsync(http.Request, MaxBodyBytes, http.RequestAborted);
            if (body is null) return Problems.Problem(413, "Body too large", "body-too-large", $"A login body is at most {MaxBodyBytes} bytes.");
            try
            {
                presented = body.Length == 0 ? null : JsonSerializer.Deserialize<LoginRequest>(body) is { } login ? login.Key ?? login.ApiKey : null;
            }
            catch (JsonException e)
            {
                return Problems.BadRequest($"The body is not {{\"key\": \"…\"}} or {{\"api_key\": \"…\"}}: {e.Message}");
            }
        }
        if (string.IsNullOrEmpty(presented)) return Problems.BadRequest("Give the API key as {\"key\": \"…\"}, {\"api_key\": \"…\"} or in the X-Api-Key header.");
        if (keys.Find(presented) is not { } caller)
        {
            limiter.RecordFailure(http.Connection.RemoteIpAddress);
            return AuthResponses.Unauthorized("The API key is not valid.", invalidCredentials: true);
        }
        var token = tokens.Issue(caller);
        return TypedResults.Ok(new LoginResponse(token.AccessToken, "Bearer", token.ExpiresInSeconds));
    }
}

/// <summary>The login body: <c>key</c>, or <c>api_key</c> (the name simple cache services use); <c>key</c> wins when both are given.</summary>
public sealed record LoginRequest(
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("api_key")] string? ApiKey = null);

public sealed record LoginResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);
