// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Configuration;

namespace RaftCache.Node.Tests.Security;

/// <summary>Security settings are checked at start; each refusal names the setting at fault.</summary>
public sealed class SecurityConfigurationTests
{
    private const string Key = "admin:admin-secret-0123456789";

    private static string[] Base(string listen = "http://127.0.0.1:5001") =>
        ["--id", "1", "--listen", listen, "--peer-listen", "127.0.0.1:6001", "--data-dir", "/tmp/unused", "--initial-cluster", "1=127.0.0.1:6001"];

    private static string Refusal(params string[] args)
    {
        var errors = new StringWriter();
        var builder = NodeProgram.CreateBuilder(args, errors);
        Assert.Null(builder);
        return errors.ToString();
    }

    [Fact]
    public void A_node_with_authentication_on_and_no_key_refuses_to_start_naming_the_setting()
    {
        var errors = Refusal(Base());

        Assert.Contains("ApiKeys: authentication is on but no API key is configured", errors, StringComparison.Ordinal);
        Assert.Contains("--api-key", errors, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> Broken => new()
    {
        { "--no-auth: only allowed when --listen is a loopback address", [.. Base("http://10.1.2.3:5001"), "--no-auth"] },
        { "--no-auth: API keys are configured too", [.. Base(), "--no-auth", "--api-key", Key] },
        { "ApiKeys[0] (admin): the key is shorter than 16", [.. Base(), "--api-key", "admin:short"] },
        { "ApiKeys: the same secret is given twice", [.. Base(), "--api-key", Key, "--api-key", "second:reader:admin-secret-0123456789"] },
        { "--token-signing-key: shorter than 32", [.. Base(), "--api-key", Key, "--token-signing-key", "short"] },
        { "--token-lifetime-seconds: 0 is outside", [.. Base(), "--api-key", Key, "--token-lifetime-seconds", "0"] },
        { "--tls-certificate: required because --listen is https://", [.. Base("https://127.0.0.1:5001"), "--api-key", Key] },
        { "--listen: must be an https:// URL when --tls-certificate is set", [.. Base(), "--api-key", Key, "--tls-certificate", "/nonexistent.pem"] },
        { "--tls-certificate: cannot load '/nonexistent.pem'", [.. Base("https://127.0.0.1:5001"), "--api-key", Key, "--tls-certificate", "/nonexistent.pem"] },
        { "--tls-ca-file: cannot load", [.. Base(), "--api-key", Key, "--tls-ca-file", "/nonexistent-ca.pem"] },
        { "--api-keys-file: cannot read", [.. Base(), "--api-keys-file", "/nonexistent-keys"] },
        { "--max-connections: 0 is outside", [.. Base(), "--api-key", Key, "--max-connections", "0"] },
        { "--api-key: 'root:…' is not role:secret", [.. Base(), "--api-key", "root:admin-secret-0123456789"] },
        { "unknown option --api-keys", [.. Base(), "--api-keys", Key] },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_bad_security_setting_is_refused_by_name(string expected, string[] args)
    {
        Assert.Contains(expected, Refusal(args), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_from_configuration_with_an_unknown_role_is_refused_by_name()
    {
        // Roles can be wrong only where no parser stands in the way: appsettings.json and environment variables.
        var (errors, _) = SecurityOptionsValidator.Validate(
            new SecurityOptions { ApiKeys = [new ApiKeyOption { Role = "root", Key = "admin-secret-0123456789" }] },
            new NodeOptions { Id = 1 });

        Assert.Contains(errors, e => e.StartsWith("ApiKeys[0]: role 'root'", StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_never_echo_a_secret()
    {
        var errors = Refusal([.. Base(), "--api-key", "admin:tiny", "--api-key", "root:visible-secret-0123456789"]);

        Assert.DoesNotContain("visible-secret", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("tiny", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_api_keys_and_flags_become_configuration_keys()
    {
        Assert.True(CommandLine.TryParse(["--api-key", "admin:aaaaaaaaaaaaaaaa", "--api-key", "ci:writer:bbbbbbbbbbbbbbbb", "--no-auth", "--id", "3"], out var settings, out _));

        Assert.Equal("admin", settings["RaftCache:ApiKeys:0:Role"]);
        Assert.Equal("ci", settings["RaftCache:ApiKeys:1:Name"]);
        Assert.Equal("bbbbbbbbbbbbbbbb", settings["RaftCache:ApiKeys:1:Key"]);
        Assert.Equal("true", settings["RaftCache:NoAuth"]);
        Assert.Equal("3", settings["RaftCache:Id"]);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5001", true)]
    [InlineData("http://127.9.8.7:5001", true)]
    [InlineData("http://localhost:5001", true)]
    [InlineData("http://[::1]:5001", true)]
    [InlineData("http://0.0.0.0:5001", false)]
    [InlineData("http://192.168.1.5:5001", false)]
    public void Only_loopback_listen_addresses_count_as_loopback(string listen, bool loopback)
    {
        Assert.Equal(loopback, SecurityOptionsValidator.IsLoopback(listen));
    }
}
