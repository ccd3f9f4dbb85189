// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Security.Claims;

namespace RaftCache.Node.Security;

public sealed partial class ApiKeyStore
{
    /// <summary>Most presented keys remembered as verified; only valid keys are remembered, so the configured keys bound it too.</summary>
    public const int MaxVerifiedKeys = 1024;

    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);

    private sealed record Verified(int Generation, ApiKeyPrincipal Principal);

    /// <summary>
    /// The principal of a presented API key, or null when no current, unrevoked key matches. A key verified once is
    /// remembered with the <see cref="Generation"/> it was verified under, so a repeat costs one dictionary look-up
    /// instead of a hash and a comparison with every key; any revocation or keys-file change moves the generation, and
    /// the next request with that key is verified afresh, so a revoked key fails on the very next request. The
    /// principal is shared by every request of the key: nothing in the pipeline mutates it (no claims transformation).
    /// </summary>
    public ApiKeyPrincipal? FindPrincipal(string presented, string authenticationType)
    {
        var generation = Generation;
        if (_verified.TryGetValue(presented, out var known) && known.Generation == generation) return known.Principal;
        if (Find(presented) is not { } caller) return null;
        if (_verified.Count >= MaxVerifiedKeys) _verified.Clear();
        var principal = new ApiKeyPrincipal((ClaimsIdentity)TokenService.PrincipalOf(caller, authenticationType).Identity!, caller.Role);
        // Remembered under the generation read before the check: a revocation that raced it is seen next time.
        _verified[presented] = new Verified(generation, principal);
        return principal;
    }
}
