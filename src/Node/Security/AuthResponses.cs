// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;
using RaftCache.Node.Api;

namespace RaftCache.Node.Security;

/// <summary>
/// Answers a refused request as RFC 9457 problem details, from one place: 401 (no or bad credentials, with
/// <c>WWW-Authenticate</c> naming both schemes) and 403 (valid credentials, role too weak). A 401 for credentials
/// that were presented and wrong counts as a failed attempt of the client address; an expired token does not (its
/// holder knew a key a moment ago).
/// </summary>
public sealed class AuthResponses(AuthFailureLimiter limiter) : IAuthorizationMiddlewareResultHandler
{
    public const string Challenge = "Bearer, ApiKey";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            var failure = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure;
            var presented = Credentials.ArePresented(context.Request);
            if (presented && failure is not SecurityTokenExpiredException) limiter.RecordFailure(context.Connection.RemoteIpAddress);
            await Unauthorized(presented ? DetailOf(failure) : MissingDetail, presented).ExecuteAsync(context);
            return;
        }
        if (authorizeResult.Forbidden)
        {
            var role = context.User.FindFirst(Roles.ClaimType)?.Value ?? "none";
            await Problems.Problem(403, "Forbidden", "forbidden",
                $"The caller's role ({role}) may not do this; it needs {Needed(policy)}.").ExecuteAsync(context);
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    public const string MissingDetail =
        "This call needs credentials: Authorization: Bearer <token from POST /login>, X-Api-Key: <key> or Authorization: ApiKey <key>.";

    public static IResult Unauthorized(string detail, bool invalidCredentials) => new WithHeader(
        Problems.Problem(401, "Unauthorized", "unauthorized", detail),
        "WWW-Authenticate",
        invalidCredentials ? "Bearer error=\"invalid_token\", ApiKey" : Challenge);

    public static IResult TooManyAttempts(TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return new WithHeader(
            Problems.Problem(429, "Too many failed attempts", "too-many-auth-failures",
                $"Too many failed authentication attempts from this address; retry in {seconds} s."),
            "Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string DetailOf(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "The token has expired; get a new one from POST /login.",
        SecurityTokenException => "The token is not valid (signature, issuer, audience or lifetime).",
        null => MissingDetail,
        _ => failure.Message,
    };

    private static string Needed(AuthorizationPolicy policy)
    {
        var roles = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
            .SelectMany(r => r.AllowedRoles).ToArray();
        return roles.Length == 0 ? "another role" : "role " + string.Join(" or ", roles);
    }

    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
