// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace RaftCache.Node.Security;

/// <summary>The principal of an API key: its role at hand, so a role check needs no walk over the claims.</summary>
public sealed class ApiKeyPrincipal(ClaimsIdentity identity, string role) : ClaimsPrincipal(identity)
{
    public string Role { get; } = role;
}

/// <summary>
/// Authorization without the policy machinery for the common case: an API-key caller on an endpoint whose only
/// authorization is one of the RaftCache role policies (<see cref="Roles.Policies"/>), whose role satisfies it. Every
/// other request (a token, no credentials, a role too weak, any other authorization metadata) goes through
/// ASP.NET Core's authorization middleware, which also writes every 401 and 403.
/// </summary>
internal static class RoleFastPath
{
    // Keys ASP.NET Core's authorization middleware uses: the flag that keeps the host from adding a second one, and
    // the request item without which the endpoint middleware refuses an endpoint carrying authorization metadata.
    private const string MiddlewareSetKey = "__AuthorizationMiddlewareSet";
    private const string InvokedWithEndpointKey = "__AuthorizationMiddlewareWithEndpointInvoked";
    private static readonly object Invoked = new();

    /// <summary>Most endpoints remembered (the app maps a few dozen); beyond it nothing more is remembered.</summary>
    private const int MaxEndpoints = 4096;

    private static readonly ConcurrentDictionary<Endpoint, string[]?> Satisfying = new();

    public static void UseAuthorizationWithFastPath(this WebApplication app)
    {
        var policies = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        app.Use(next =>
        {
            var full = new AuthorizationMiddleware(next, policies, app.Services);
            return context => Passes(context) ? next(context) : full.Invoke(context);
        });
        ((IApplicationBuilder)app).Properties[MiddlewareSetKey] = true;
    }

    private static bool Passes(HttpContext context)
    {
        if (context.User is not ApiKeyPrincipal { Role: var role } || context.GetEndpoint() is not { } endpoint) return false;
        if (!Satisfying.TryGetValue(endpoint, out var roles))
        {
            roles = RolesOf(endpoint);
            if (Satisfying.Count < MaxEndpoints) Satisfying[endpoint] = roles;
        }
        if (roles is null || Array.IndexOf(roles, role) < 0) return false;
        context.Items[InvokedWithEndpointKey] = Invoked;
        return true;
    }

    // The roles that pass the endpoint, when its authorization is exactly one RaftCache policy and nothing else.
    private static string[]? RolesOf(Endpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        var authorize = metadata.GetOrderedMetadata<IAuthorizeData>();
        if (authorize.Count != 1 || metadata.GetMetadata<IAllowAnonymous>() is not null
            || metadata.GetMetadata<AuthorizationPolicy>() is not null || metadata.GetMetadata<IAuthorizationRequirementData>() is not null)
            return null;
        var data = authorize[0];
        if (!string.IsNullOrEmpty(data.Roles) || !string.IsNullOrEmpty(data.AuthenticationSchemes)) return null;
        return data.Policy is Roles.Policies.Read or Roles.Policies.Write or Roles.Policies.Admin ? Roles.Satisfying(data.Policy) : null;
    }
}
