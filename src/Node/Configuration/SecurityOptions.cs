// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Configuration;

/// <summary>
/// Authentication, tokens and TLS of the REST API, bound from the same <c>RaftCache</c> section as
/// <see cref="NodeOptions"/> (appsettings.json, <c>RAFTCACHE__…</c> environment variables, command line).
/// Authentication is on unless <see cref="NoAuth"/> is set, and a node with authentication on and no API key
/// refuses to start. Checked by <see cref="SecurityOptionsValidator"/>; docs/security.md explains every setting.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>Shortest API key accepted, in characters: a key is a password that is never typed, so it can be long.</summary>
    public const int MinKeyLength = 16;

    /// <summary>Shortest explicit token signing key, in characters (HS256 wants at least 256 bits).</summary>
    public const int MinSigningKeyLength = 32;

    /// <summary>
    /// UNSAFE outside a developer's machine: serve the REST API without authentication. Refused unless
    /// <see cref="NodeOptions.Listen"/> is a loopback address; the node logs a warning at start.
    /// </summary>
    public bool NoAuth { get; set; }

    /// <summary>API keys, each with a name, a role (reader, writer, admin) and the secret itself.</summary>
    public List<ApiKeyOption> ApiKeys { get; set; } = [];

    /// <summary>A file of API keys, one <c>[name:]role:secret</c> per line (<c>#</c> starts a comment); read at start.</summary>
    public string? ApiKeysFile { get; set; }

    /// <summary>
    /// Secret that signs bearer tokens (HS256), at least 32 characters, the same on every node so a token from one
    /// node works on all. When unset it is derived (HKDF-SHA256) from the configured API keys, which then must be
    /// the same on every node.
    /// </summary>
    public string? TokenSigningKey { get; set; }

    /// <summary>Lifetime of a token issued by POST /login.</summary>
    public int TokenLifetimeSeconds { get; set; } = 900;

    /// <summary>Serve GET /metrics without credentials (off: a scraper sends a reader key).</summary>
    public bool AllowAnonymousMetrics { get; set; }

    /// <summary>Serve /openapi/v1.json and /swagger without credentials (on: they describe the API, not its data).</summary>
    public bool AllowAnonymousOpenApi { get; set; } = true;

    /// <summary>Failed authentication attempts one client address may make per window before it is answered 429.</summary>
    public int AuthFailureLimit { get; set; } = 10;

    /// <summary>The window of <see cref="AuthFailureLimit"/>; a blocked address is free again when its window ends.</summary>
    public int AuthFailureWindowSeconds { get; set; } = 60;

    /// <summary>Server certificate for an https:// Listen: a PEM file (key in <see cref="TlsKey"/> or in the same file) or a PFX/PKCS#12 file.</summary>
    public string? TlsCertificate { get; set; }

    /// <summary>The PEM private key of <see cref="TlsCertificate"/>, when it is not in the certificate file.</summary>
    public string? TlsKey { get; set; }

    /// <summary>Password of a PFX certificate or of an encrypted PEM key.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>
    /// PEM file of the certificate authorities a node trusts when it forwards to another node over https. Unset:
    /// the system's trust store.
    /// </summary>
    public string? TlsCaFile { get; set; }
}

/// <summary>One API key: who (a name for logs and tokens), what it may do (its role) and the secret.</summary>
public sealed class ApiKeyOption
{
    public string? Name { get; set; }
    public string Role { get; set; } = "";
    public string Key { get; set; } = "";
}
