// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using RaftCache.Node.Configuration;
using RaftCache.Node.Security;

namespace RaftCache.Node.Tests.Security;

/// <summary>Bearer tokens: issued with the caller's identity, refused when expired, early, tampered with or signed otherwise.</summary>
public sealed class TokenServiceTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a-signing-key-of-at-least-32-bytes!!");
    private static readonly CallerIdentity Writer = new("ci", Roles.Writer) { KeyId = ApiKeyStore.KeyIdOf("writer-secret-0123456789") };

    private static TokenService Service(TimeProvider time, byte[]? key = null) => new(key ?? Key, TimeSpan.FromMinutes(15), time);

    [Fact]
    public async Task A_fresh_token_names_the_caller_and_its_role()
    {
        var token = Service(TimeProvider.System).Issue(Writer);

        var (caller, failure) = await Service(TimeProvider.System).ValidateAsync(token.AccessToken);

        Assert.Null(failure);
        Assert.Equal(Writer, caller);
        Assert.Equal(900, token.ExpiresInSeconds);
    }

    [Fact]
    public async Task A_token_past_its_expiry_and_the_clock_skew_is_refused_as_expired()
    {
        var issuedAt = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(15) - TokenService.ClockSkew - TimeSpan.FromSeconds(5));
        var token = Service(issuedAt).Issue(Writer);

        var (caller, failure) = await Service(TimeProvider.System).ValidateAsync(token.AccessToken);

        Assert.Null(caller);
        Assert.IsType<SecurityTokenExpiredException>(failure);
    }

    [Fact]
    public async Task A_token_from_the_future_is_refused()
    {
        var token = Service(new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5))).Issue(Writer);

        var (caller, failure) = await Service(TimeProvider.System).ValidateAsync(token.AccessToken);

        Assert.Null(caller);
        Assert.IsType<SecurityTokenNotYetValidException>(failure);
    }

    [Fact]
    public async Task A_token_whose_payload_was_changed_is_refused()
    {
        var parts = Service(TimeProvider.System).Issue(Writer).AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"writer\"", "\"admin\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        var (caller, failure) = await Service(TimeProvider.System).ValidateAsync(tampered);

        Assert.Contains("admin", payload, StringComparison.Ordinal);
        Assert.Null(caller);
        Assert.NotNull(failure);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_or_unsigned_is_refused()
    {
        var otherKey = Encoding.UTF8.GetBytes("another-signing-key-of-32-bytes-or-more");
        var foreign = Service(TimeProvider.System, otherKey).Issue(Writer).AccessToken;
        var parts = Service(TimeProvider.System).Issue(Writer).AccessToken.Split('.');
        var unsigned = $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{parts[1]}.";

        var (foreignCaller, foreignFailure) = await Service(TimeProvider.System).ValidateAsync(foreign);
        var (unsignedCaller, unsignedFailure) = await Service(TimeProvider.System).ValidateAsync(unsigned);

        Assert.Null(foreignCaller);
        Assert.NotNull(foreignFailure);
        Assert.Null(unsignedCaller);
        Assert.NotNull(unsignedFailure);
    }

    [Fact]
    public void The_derived_signing_key_depends_on_every_api_key_but_not_on_their_order()
    {
        ApiKeyOption Key(string role, string secret) => new() { Role = role, Key = secret };
        var none = new SecurityOptions();
        var a = TokenService.SigningKeyOf(none, [Key("admin", "first-secret-000000"), Key("reader", "second-secret-00000")]);
        var reordered = TokenService.SigningKeyOf(none, [Key("reader", "second-secret-00000"), Key("admin", "first-secret-000000")]);
        var changed = TokenService.SigningKeyOf(none, [Key("admin", "first-secret-000000"), Key("reader", "second-secret-00001")]);
        var configured = TokenService.SigningKeyOf(new SecurityOptions { TokenSigningKey = new string('k', 40) }, [Key("admin", "first-secret-000000")]);
        var configuredAgain = TokenService.SigningKeyOf(new SecurityOptions { TokenSigningKey = new string('k', 40) }, [Key("admin", "other-secret-000000")]);

        Assert.Equal(a, reordered);
        Assert.NotEqual(a, changed);
        Assert.Equal(configured, configuredAgain);
        Assert.Equal(32, a.Length);
    }
}
