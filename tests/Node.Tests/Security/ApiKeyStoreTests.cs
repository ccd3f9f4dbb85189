// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Configuration;
using RaftCache.Node.Security;

namespace RaftCache.Node.Tests.Security;

/// <summary>API keys: found by exact secret only, parsed from their text form, never echoed into errors.</summary>
public sealed class ApiKeyStoreTests
{
    private static readonly ApiKeyStore Store = new(
    [
        new ApiKeyOption { Name = "ops", Role = Roles.Admin, Key = "admin-secret-0123456789" },
        new ApiKeyOption { Role = Roles.Reader, Key = "reader-secret-0123456789" },
    ]);

    [Fact]
    public void The_exact_secret_finds_its_name_and_role()
    {
        Assert.Equal(new CallerIdentity("ops", Roles.Admin), Store.Find("admin-secret-0123456789"));
        Assert.Equal(new CallerIdentity(Roles.Reader, Roles.Reader), Store.Find("reader-secret-0123456789"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("admin-secret-012345678")]
    [InlineData("admin-secret-01234567890")]
    [InlineData("ADMIN-SECRET-0123456789")]
    public void Anything_but_the_exact_secret_finds_nothing(string presented)
    {
        Assert.Null(Store.Find(presented));
    }

    [Theory]
    [InlineData("admin:s3cret-with:colon", "admin", "admin", "s3cret-with:colon")]
    [InlineData("ci:writer:abc", "ci", "writer", "abc")]
    [InlineData("  reader:xyz  ", "reader", "reader", "xyz")]
    public void A_key_spec_is_role_secret_or_name_role_secret(string text, string name, string role, string secret)
    {
        Assert.True(ApiKeySpec.TryParse(text, out var key, out _));
        Assert.Equal((name, role, secret), (key.Name, key.Role, key.Key));
    }

    [Fact]
    public void A_bad_spec_is_refused_without_echoing_its_secret()
    {
        Assert.False(ApiKeySpec.TryParse("root:topsecret-value", out _, out var error));
        Assert.DoesNotContain("topsecret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_keys_file_skips_comments_and_names_bad_lines()
    {
        var path = Path.GetTempFileName();
        File.WriteAllLines(path, ["# keys", "", "ops:admin:admin-secret-0123456789", "bogus-line"]);
        try
        {
            var errors = new List<string>();
            var keys = ApiKeySpec.ReadFile(path, errors);

            Assert.Single(keys);
            Assert.Equal("ops", keys[0].Name);
            Assert.Contains(errors, e => e.StartsWith("--api-keys-file: line 4", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
