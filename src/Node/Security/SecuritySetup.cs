// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using RaftCache.Node.Configuration;

namespace RaftCache.Node.Security;

/// <summary>
/// Composes authentication and authorization of the REST API: one policy scheme that hands a request to JwtBearer
/// (a bearer JWT) or to the API-key handler (anything else), three role policies, problem-details answers for
/// 401/403, and the per-address limit on failed attempts. With <see cref="SecurityOptions.NoAuth"/> the policies
/// admit everyone; the endpoints keep naming them, so no route can be forgotten when authentication is on.
/// </summary>
public static partial class SecuritySetup
{
    public static void AddRaftCacheSecurity(this IServiceCollection services, SecurityOptions security, IReadOnlyList<ApiKeyOption> keys)
    {
        services.AddSingleton(security);
        services.AddSingleton(sp => new ApiKeyStore(security.NoAuth ? [] : keys, security.NoAuth ? [] : security.ApiKeys,
            security.NoAuth ? null : security.ApiKeysFile, sp.GetRequiredService<TimeProvider>()));
        // Without keys there is nothing to derive a signing key from; no token is ever issued then, so a random key is fine.
        var signingKey = security.NoAuth ? RandomNumberGenerator.GetBytes(32) : TokenService.SigningKeyOf(security, keys);
        services.AddSingleton(sp => new TokenService(signingKey, TimeSpan.FromSeconds(security.TokenLifetimeSeconds), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AuthFailureLimiter(
            security.AuthFailureLimit, TimeSpan.FromSeconds(security.AuthFailureWindowSeconds), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthResponses>();

        // AddAuthentication brings ASP.NET Data Protection, which nothing here uses (no cookies); kept in memory so a
        // node writes no key ring under the user's home folder and logs no warning about one.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAuthentication(Credentials.Scheme)
            .AddPolicyScheme(Credentials.Scheme, "API key or bearer token", o => o.ForwardDefaultSelector = Credentials.SchemeFor)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(o => o.MapInboundClaims = false);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenService, ApiKeyStore>((o, tokens, store) =>
            {
                o.TokenValidationParameters = tokens.ValidationParameters;
                // A token is only as good as its key: revoked, or gone from the keys file, ends it on this node at once.
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        var keyId = context.Principal?.FindFirst(TokenService.KeyIdClaim)?.Value;
                        if (keyId is not { Length: > 0 } || !store.IsCurrent(keyId)) context.Fail("The token's API key was revoked or removed.");
                        return Task.CompletedTask;
                    },
                };
            });

        var authorization = services.AddAuthorizationBuilder();
        foreach (var policy in new[] { Roles.Policies.Read, Roles.Policies.Write, Roles.Policies.Admin })
        {
            authorization.AddPolicy(policy, p =>
            {
                // No AddAuthenticationSchemes: the default scheme already authenticated the request in UseAuthentication,
                // and naming it again would validate every token twice.
                if (security.NoAuth) p.RequireAssertion(_ => true);
                else p.RequireAuthenticatedUser().RequireRole(Roles.Satisfying(policy));
            });
        }
    }

    /// <summary>The middleware, in order: failed-attempt limit, authentication (a remembered API key first), authorization (an API-key caller on a role policy first), the Swagger UI guard.</summary>
    public static void UseRaftCacheSecurity(this WebApplication app, SecurityOptions security, IReadOnlyList<ApiKeyOption> keys)
    {
        var limiter = app.Services.GetRequiredService<AuthFailureLimiter>();
        app.Use(async (context, next) =>
        {
            // Only attempts are refused: a blocked address still reaches /health and other open calls.
            if ((Credentials.ArePresented(context.Request) || context.Request.Path.StartsWithSegments("/login"))
                && limiter.IsBlocked(context.Connection.RemoteIpAddress, out var retryAfter))
            {
                await AuthResponses.TooManyAttempts(retryAfter).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        var keyStore = app.Services.GetRequiredService<ApiKeyStore>();
        // A known API key needs no trip through the authentication handlers: its principal is remembered per key
        // (ApiKeyStore.FindPrincipal). Everything else (tokens, wrong keys, no credentials) takes the full path.
        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        app.Use(next =>
        {
            var full = new AuthenticationMiddleware(next, schemes);
            return context => ApiKeyAuthenticationHandler.TryFastPath(context, keyStore) ? next(context) : full.Invoke(context);
        });
        // The flag UseAuthentication sets: without it the host adds a second, unconditional authentication step.
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        if (security.NoAuth) app.UseAuthorization();
        else app.UseAuthorizationWithFastPath();
        if (!security.NoAuth && !security.AllowAnonymousOpenApi)
        {
            // Swagger UI is middleware, not an endpoint: it gets the same reader check by hand.
            app.UseWhen(c => c.Request.Path.StartsWithSegments("/swagger"), branch => branch.Use(async (context, next) =>
            {
                var result = await context.AuthenticateAsync(Credentials.Scheme);
                if (result.Succeeded) await next(context);
                else await AuthResponses.Unauthorized(AuthResponses.MissingDetail, result.Failure is not null).ExecuteAsync(context);
            }));
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RaftCache.Node.Security");
        if (security.NoAuth)
        {
            LogNoAuth(logger);
            return;
        }
        LogAuthOn(logger, keys.Count, string.Join(", ", keys.Select(k => $"{(string.IsNullOrEmpty(k.Name) ? k.Role : k.Name)} ({k.Role})")),
            security.TokenLifetimeSeconds, security.TokenSigningKey is { Length: > 0 } ? "configured" : "derived from the API keys");
    }

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    [LoggerMessage(EventId = 75400, Level = LogLevel.Warning, Message =
        "!!! AUTHENTICATION IS OFF (--no-auth): anyone who can reach this node can read, write, flush and reconfigure the cache. " +
        "Allowed only on a loopback address; never use it on a shared machine or in production. !!!")]
    private static partial void LogNoAuth(ILogger logger);

    [LoggerMessage(EventId = 75401, Level = LogLevel.Information, Message =
        "REST authentication on: {Count} API keys [{Keys}], tokens valid {LifetimeSeconds} s, signing key {SigningKey}")]
    private static partial void LogAuthOn(ILogger logger, int count, string keys, int lifetimeSeconds, string signingKey);
}
