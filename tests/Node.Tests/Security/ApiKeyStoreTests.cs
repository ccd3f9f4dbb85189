// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Time.Testing;
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
        Assert.Equal(new CallerIdentity("ops", Roles.Admin) { KeyId = ApiKeyStore.KeyIdOf("admin-secret-0123456789") }, Store.Find("admin-secret-0123456789"));
        Assert.Equal(new CallerIdentity(Roles.Reader, Roles.Reader) { KeyId = ApiKeyStore.KeyIdOf("reader-secret-0123456789") }, Store.Find("reader-secret-0123456789"));
    }

    [Fact]
    public void A_key_id_is_a_fingerprint_that_differs_per_secret()
    {
        var id = ApiKeyStore.KeyIdOf("admin-secret-0123456789");

        Assert.Matches("^[0-9a-f]{16}$", id);
        Assert.NotEqual(id, ApiKeyStore.KeyIdOf("admin-secret-0123456780"));
    }

    [Fact]
    public void A_remembered_key_stops_working_on_the_first_request_after_its_revocation()
    {
        // Injected: a key verified (and remembered) twice, then revoked. Checked: the very next look-up refuses it,
        // while another key stays remembered and valid; the principal carries the key's name and role.
        var store = new ApiKeyStore(
        [
            new ApiKeyOption { Name = "ci", Role = Roles.Writer, Key = "writer-secret-0123456789" },
            new ApiKeyOption { Name = "dash", Role = Roles.Reader, Key = "reader-secret-0123456789" },
        ]);
        var first = store.FindPrincipal("writer-secret-0123456789", "ApiKey");
        var second = store.FindPrincipal("writer-secret-0123456789", "ApiKey");
        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.True(first.IsInRole(Roles.Writer));
        Assert.Equal("ci", first.Identity?.Name);
        Assert.NotNull(store.FindPrincipal("reader-secret-0123456789", "ApiKey"));

        store.SetRevoked([ApiKeyStore.KeyIdOf("writer-secret-0123456789")]);

        Assert.Null(store.FindPrincipal("writer-secret-0123456789", "ApiKey"));
        Assert.NotNull(store.FindPrincipal("reader-secret-0123456789", "ApiKey"));
        Assert.Null(store.FindPrincipal("writer-secret-012345678", "ApiKey"));
    }

    [Fact]
    public void A_key_revoked_then_restored_works_again_and_wrong_keys_stay_refused()
    {
        var store = new ApiKeyStore([new ApiKeyOption { Name = "ci", Role = Roles.Writer, Key = "writer-secret-0123456789" }]);
        var id = ApiKeyStore.KeyIdOf("writer-secret-0123456789");
        store.SetRevoked([id]);
        Assert.Null(store.FindPrincipal("writer-secret-0123456789", "ApiKey"));

        store.SetRevoked([]);

        Assert.NotNull(store.FindPrincipal("writer-secret-0123456789", "ApiKey"));
        for (var i = 0; i < 2 * ApiKeyStore.MaxVerifiedKeys; i++) Assert.Null(store.FindPrincipal($"wrong-{i}", "ApiKey"));
        Assert.NotNull(store.FindPrincipal("writer-secret-0123456789", "ApiKey"));
    }

    [Fact]
    public void A_revoked_key_is_found_no_more_and_its_id_is_no_longer_current()
    {
        var store = new ApiKeyStore([new ApiKeyOption { Name = "ci", Role = Roles.Writer, Key = "writer-secret-0123456789" }]);
        var id = ApiKeyStore.KeyIdOf("writer-secret-0123456789");
        Assert.True(store.IsCurrent(id));

        store.SetRevoked([id]);

        Assert.Null(store.Find("writer-secret-0123456789"));
        Assert.False(store.IsCurrent(id));
    }

    [Fact]
    public void A_key_removed_from_the_keys_file_stops_working_once_the_file_is_looked_at_again()
    {
        // Injected: the keys file loses its reader line. Checked: the reader key works until the reload interval
        // passes, then neither it nor its id (its tokens) does, while the configured key and the file's other key stay.
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["ops:admin:admin-secret-in-file-0123", "dash:reader:reader-secret-in-file-0123"]);
            File.SetLastWriteTimeUtc(file, new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            ApiKeyOption[] configured = [new() { Name = "cfg", Role = Roles.Writer, Key = "writer-secret-configured-01" }];
            var errors = new List<string>();
            var store = new ApiKeyStore([.. configured, .. ApiKeySpec.ReadFile(file, errors)], configured, file, time);
            File.WriteAllLines(file, ["ops:admin:admin-secret-in-file-0123"]);
            File.SetLastWriteTimeUtc(file, new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc));

            var beforeReload = store.Find("dash-never") is null && store.Find("reader-secret-in-file-0123") is not null;
            time.Advance(ApiKeyStore.ReloadInterval);

            Assert.True(beforeReload);
            Assert.Null(store.Find("reader-secret-in-file-0123"));
            Assert.False(store.IsCurrent(ApiKeyStore.KeyIdOf("reader-secret-in-file-0123")));
            Assert.NotNull(store.Find("admin-secret-in-file-0123"));
            Assert.NotNull(store.Find("writer-secret-configured-01"));
            Assert.Empty(errors);
        }
        finally
        {
            File.Delete(file);
        }
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
