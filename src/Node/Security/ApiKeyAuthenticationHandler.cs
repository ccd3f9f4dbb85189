// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace RaftCache.Node.Security;

/// <summary>
/// Authenticates a request that carries an API key itself: <c>X-Api-Key: KEY</c>, <c>Authorization: ApiKey KEY</c>,
/// or <c>Authorization: Bearer KEY</c> when KEY is not a JWT (for tools that only know bearer credentials, such as
/// a Prometheus scrape config). No credentials: no result, so the caller is anonymous.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Credentials.ApiKeyOf(Request);
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());
        return Task.FromResult(keys.FindPrincipal(presented, SchemeName) is { } principal
            ? AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName))
            : AuthenticateResult.Fail("The API key is not valid."));
    }

    /// <summary>
    /// Authenticates a request presenting a current API key without the authentication handlers (the same principal
    /// the handler would give); false when the request must take the full path (no key, a token, a wrong key).
    /// </summary>
    public static bool TryFastPath(HttpContext context, ApiKeyStore keys)
    {
        if (Credentials.ApiKeyOf(context.Request) is not { } presented || keys.FindPrincipal(presented, SchemeName) is not { } principal) return false;
        context.User = principal;
        return true;
    }
}

/// <summary>Where a request carries its credentials, and which handler reads them.</summary>
public static class Credentials
{
    /// <summary>The policy scheme every endpoint authenticates with: it picks the handler by the credentials' form.</summary>
    public const string Scheme = "RaftCache";

    public const string ApiKeyPrefix = "ApiKey ";
    public const string BearerPrefix = "Bearer ";

    /// <summary>True when the request presents credentials of any form (so a failure is a failed attempt).</summary>
    public static bool ArePresented(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header);

    /// <summary>The API key a request presents, or null when it presents none (or a JWT instead).</summary>
    public static string? ApiKeyOf(HttpRequest request)
    {
        var header = request.Headers[ApiKeyAuthenticationHandler.Header].ToString();
        if (header.Length > 0) return header.Trim();
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(ApiKeyPrefix, StringComparison.OrdinalIgnoreCase)) return authorization[ApiKeyPrefix.Length..].Trim();
        if (authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && !IsJwt(authorization[BearerPrefix.Length..]))
            return authorization[BearerPrefix.Length..].Trim();
        return null;
    }

    /// <summary>Which handler reads this request: JwtBearer for a bearer JWT, the API-key handler otherwise.</summary>
    public static string SchemeFor(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && IsJwt(authorization[BearerPrefix.Length..])
            ? Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme
            : ApiKeyAuthenticationHandler.SchemeName;
    }

    // A JWT in compact form is three base64url parts joined by dots; an API key never has two dots.
    private static bool IsJwt(string value) => value.Trim().Count(c => c == '.') == 2;
}
