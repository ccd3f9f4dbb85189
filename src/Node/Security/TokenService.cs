// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RaftCache.Node.Configuration;

namespace RaftCache.Node.Security;

/// <summary>A token issued by POST /login.</summary>
public sealed record IssuedToken(string AccessToken, int ExpiresInSeconds);

/// <summary>
/// Issues and validates the short-lived bearer tokens of POST /login: JWTs signed with HS256 under a key that
/// every node shares, so a token from one node is accepted by all (and by a leader a follower forwards to).
/// Checked on use: signature (HS256 only; "none" and other algorithms are refused), issuer, audience, expiry and
/// not-before with 30 s of clock skew. The same <see cref="ValidationParameters"/> serve JwtBearer and the tests.
/// </summary>
public sealed class TokenService
{
    public const string Issuer = "raftcache";

    /// <summary>The claim naming the id of the API key a token was issued for, so revoking the key ends the token.</summary>
    public const string KeyIdClaim = "raftcache_key";
    public const string Audience = "raftcache";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly SymmetricSecurityKey _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    public TokenService(byte[] signingKey, TimeSpan lifetime, TimeProvider time)
    {
        if (signingKey.Length < 32) throw new ArgumentException("an HS256 signing key needs at least 32 bytes", nameof(signingKey));
        _key = new SymmetricSecurityKey(signingKey);
        _lifetime = lifetime;
        _time = time;
        ValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
            NameClaimType = Roles.NameClaimType,
            RoleClaimType = Roles.ClaimType,
        };
    }

    public TokenValidationParameters ValidationParameters { get; }

    /// <summary>The signing key of a node: the configured one, or one derived from the API keys (same keys, same key).</summary>
    public static byte[] SigningKeyOf(SecurityOptions security, IEnumerable<ApiKeyOption> keys)
    {
        if (security.TokenSigningKey is { Length: > 0 } configured) return SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        // HKDF over every secret in a fixed order: a node with the same keys derives the same signing key, and
        // whoever lacks any one secret cannot derive it. Changing any key changes it (tokens then end early).
        var material = Encoding.UTF8.GetBytes(string.Join('\n', keys.Select(k => k.Key).Order(StringComparer.Ordinal)));
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, Encoding.UTF8.GetBytes("raftcache-token-signing"), Encoding.UTF8.GetBytes("v1"));
    }

    public IssuedToken Issue(CallerIdentity caller)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _lifetime,
            Claims = new Dictionary<string, object> { [Roles.NameClaimType] = caller.Name, [Roles.ClaimType] = caller.Role, [KeyIdClaim] = caller.KeyId },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, (int)_lifetime.TotalSeconds);
    }

    /// <summary>The caller a token names, or null with the reason it was refused.</summary>
    public async Task<(CallerIdentity? Caller, Exception? Failure)> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters);
        if (!result.IsValid) return (null, result.Exception);
        var identity = result.ClaimsIdentity;
        var role = identity.FindFirst(Roles.ClaimType)?.Value;
        var name = identity.FindFirst(Roles.NameClaimType)?.Value;
        var keyId = identity.FindFirst(KeyIdClaim)?.Value;
        if (keyId is not { Length: > 0 }) return (null, new SecurityTokenValidationException("the token names no API key"));
        return Roles.IsRole(role) && name is not null
            ? (new CallerIdentity(name, role!) { KeyId = keyId }, null)
            : (null, new SecurityTokenValidationException("the token names no valid role"));
    }

    /// <summary>A principal for a caller, shaped like the one JwtBearer builds from a token.</summary>
    public static ClaimsPrincipal PrincipalOf(CallerIdentity caller, string authenticationType) =>
        new(new ClaimsIdentity(
            [new Claim(Roles.NameClaimType, caller.Name), new Claim(Roles.ClaimType, caller.Role)],
            authenticationType, Roles.NameClaimType, Roles.ClaimType));
}
