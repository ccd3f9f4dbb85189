// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Security.Cryptography;
using RaftCache.Node.Security;

namespace RaftCache.Node.Configuration;

/// <summary>
/// Checks <see cref="SecurityOptions"/> against the node's <see cref="NodeOptions"/> at start and collects the API
/// keys from the configuration and the keys file. Every error names the setting at fault, and never echoes a secret.
/// </summary>
public static class SecurityOptionsValidator
{
    /// <summary>The errors (empty when the configuration is usable) and the API keys it names.</summary>
    public static (IReadOnlyList<string> Errors, IReadOnlyList<ApiKeyOption> Keys) Validate(SecurityOptions security, NodeOptions node)
    {
        var errors = new List<string>();
        var keys = new List<ApiKeyOption>(security.ApiKeys);
        if (security.ApiKeysFile is { Length: > 0 } file) keys.AddRange(ApiKeySpec.ReadFile(file, errors));
        ValidateAuth(security, node, keys, errors);
        ValidateTls(security, node, errors);
        return (errors, keys);
    }

    private static void ValidateAuth(SecurityOptions security, NodeOptions node, List<ApiKeyOption> keys, List<string> errors)
    {
        if (security.NoAuth)
        {
            if (!IsLoopback(node.Listen))
                errors.Add($"--no-auth: only allowed when --listen is a loopback address (127.0.0.0/8, ::1 or localhost); it is {node.Listen}");
            if (keys.Count > 0) errors.Add("--no-auth: API keys are configured too; give either keys or --no-auth, not both");
            return;
        }
        if (keys.Count == 0)
        {
            errors.Add("ApiKeys: authentication is on but no API key is configured; give --api-key ROLE:SECRET (repeatable), " +
                "--api-keys-file FILE or RaftCache:ApiKeys in appsettings.json (or --no-auth on a loopback --listen, for local development only)");
        }
        if (keys.Count > ApiKeySpec.MaxKeys) errors.Add($"ApiKeys: {keys.Count} keys, more than {ApiKeySpec.MaxKeys}");
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            var who = string.IsNullOrEmpty(key.Name) ? $"ApiKeys[{i}]" : $"ApiKeys[{i}] ({key.Name})";
            if (!Roles.IsRole(key.Role)) errors.Add($"{who}: role '{key.Role}' is not one of {string.Join(", ", Roles.All)}");
            if (key.Key.Length < SecurityOptions.MinKeyLength) errors.Add($"{who}: the key is shorter than {SecurityOptions.MinKeyLength} characters");
            if (key.Key.Any(char.IsWhiteSpace)) errors.Add($"{who}: the key contains white space");
        }
        if (keys.GroupBy(k => k.Key, StringComparer.Ordinal).Any(g => g.Count() > 1))
            errors.Add("ApiKeys: the same secret is given twice; each key must identify one caller");
        if (security.TokenSigningKey is { } signing && signing.Length < SecurityOptions.MinSigningKeyLength)
            errors.Add($"--token-signing-key: shorter than {SecurityOptions.MinSigningKeyLength} characters");
        Range(errors, "--token-lifetime-seconds", security.TokenLifetimeSeconds, 10, 86_400);
        Range(errors, "--auth-failure-limit", security.AuthFailureLimit, 1, 1_000_000);
        Range(errors, "--auth-failure-window-seconds", security.AuthFailureWindowSeconds, 1, 86_400);
    }

    private static void ValidateTls(SecurityOptions security, NodeOptions node, List<string> errors)
    {
        var https = Uri.TryCreate(node.Listen, UriKind.Absolute, out var listen) && listen.Scheme == Uri.UriSchemeHttps;
        if (https && security.TlsCertificate is null)
            errors.Add($"--tls-certificate: required because --listen is {node.Listen}");
        if (!https && security.TlsCertificate is not null)
            errors.Add($"--listen: must be an https:// URL when --tls-certificate is set (it is {node.Listen})");
        if (security.TlsCertificate is { } certificate)
        {
            try
            {
                using var loaded = TlsSetup.LoadServerCertificate(security);
                if (!loaded.HasPrivateKey) errors.Add($"--tls-certificate: '{certificate}' has no private key; give --tls-key");
            }
            catch (Exception e) when (e is IOException or CryptographicException or ArgumentException or UnauthorizedAccessException)
            {
                errors.Add($"--tls-certificate: cannot load '{certificate}'{(security.TlsKey is { } k ? $" with key '{k}'" : "")}: {e.Message}");
            }
        }
        if (security.TlsKey is not null && security.TlsCertificate is null) errors.Add("--tls-key: given without --tls-certificate");
        if (security.TlsCaFile is { } ca)
        {
            try
            {
                if (TlsSetup.LoadCaCertificates(ca).Count == 0) errors.Add($"--tls-ca-file: '{ca}' holds no PEM certificate");
            }
            catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
            {
                errors.Add($"--tls-ca-file: cannot load '{ca}': {e.Message}");
            }
        }
    }

    /// <summary>True when the URL's host is a loopback address or localhost: reachable from this machine only.</summary>
    public static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));

    private static void Range(List<string> errors, string name, long value, long min, long max)
    {
        if (value < min || value > max) errors.Add($"{name}: {value} is outside {min}..{max}");
    }
}
