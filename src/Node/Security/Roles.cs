// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Security;

/// <summary>
/// The three roles and the authorization policies built on them. Roles nest: a writer may do what a reader may,
/// an admin what a writer may. Endpoints name the policy, never a role, so the nesting lives here only.
/// </summary>
public static class Roles
{
    public const string Reader = "reader";
    public const string Writer = "writer";
    public const string Admin = "admin";

    /// <summary>The claim type that carries the role, in tokens and in API-key principals alike.</summary>
    public const string ClaimType = "role";

    /// <summary>The claim type that carries the key's name (the token's subject).</summary>
    public const string NameClaimType = "sub";

    public static readonly IReadOnlyList<string> All = [Reader, Writer, Admin];

    public static bool IsRole(string? text) => text is Reader or Writer or Admin;

    /// <summary>Policy names: GET /keys and /metrics need Read; PUT and DELETE /keys need Write; /admin/* needs Admin.</summary>
    public static class Policies
    {
        public const string Read = "raftcache-read";
        public const string Write = "raftcache-write";
        public const string Admin = "raftcache-admin";
    }

    /// <summary>The roles that satisfy a policy.</summary>
    public static string[] Satisfying(string policy) => policy switch
    {
        Policies.Read => [Reader, Writer, Admin],
        Policies.Write => [Writer, Admin],
        Policies.Admin => [Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown policy"),
    };
}
