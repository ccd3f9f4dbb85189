// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Text;
using System.Security.Cryptography;

namespace RaftCache.Node.Dev;

/// <summary>
/// The secrets of a dev cluster: its admin API key, token signing key and peer cluster secret. Random, written
/// once to a file readable only by its owner inside the dev data folder (so a restarted dev cluster, and a node that
/// joins it later, use the same ones), and passed to the nodes as environment variables (RaftCache__ApiKeys__0__…,
/// RaftCache__TokenSigningKey, RaftCache__ClusterSecret), so no secret appears on a command line.
/// </summary>
public sealed record DevCredentials(string AdminKey, string SigningKey, string ClusterSecret, string Path)
{
    public const string FileName = "dev-credentials";

    /// <summary>The same secrets as environment assignments, one per line: <c>env $(cat FILE) raftcache …</c> starts a node with them.</summary>
    public const string EnvironmentFileName = "node.env";

    public static DevCredentials LoadOrCreate(string dataDir)
    {
        var path = System.IO.Path.Combine(dataDir, FileName);
        var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        DevCredentials credentials;
        if (lines is [var key, var signing, var secret, ..] && key.Length >= 16 && signing.Length >= 32 && secret.Length >= 32)
            return new DevCredentials(key, signing, secret, path);
        // A file of an older dev keeps its keys (nodes' tokens stay valid) and gains a cluster secret.
        credentials = lines is [var oldKey, var oldSigning, ..] && oldKey.Length >= 16 && oldSigning.Length >= 32
            ? new DevCredentials(oldKey, oldSigning, Random(32), path)
            : new DevCredentials("rc-" + Random(24), Random(32), Random(32), path);
        WritePrivate(path, [credentials.AdminKey, credentials.SigningKey, credentials.ClusterSecret]);
        return credentials;
    }

    /// <summary>The API key and signing key, unless the cluster runs without authentication; the cluster secret always.</summary>
    public void ApplyTo(IDictionary<string, string?> environment, bool noAuth = false)
    {
        environment["RaftCache__ClusterSecret"] = ClusterSecret;
        if (noAuth) return;
        environment["RaftCache__ApiKeys__0__Name"] = "dev-admin";
        environment["RaftCache__ApiKeys__0__Role"] = "admin";
        environment["RaftCache__ApiKeys__0__Key"] = AdminKey;
        environment["RaftCache__TokenSigningKey"] = SigningKey;
    }

    /// <summary>Writes <see cref="EnvironmentFileName"/> beside the credentials (owner-only) and returns its path.</summary>
    public string WriteEnvironmentFile(bool noAuth)
    {
        var environment = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        ApplyTo(environment, noAuth);
        var path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, EnvironmentFileName);
        WritePrivate(path, environment.Select(e => $"{e.Key}={e.Value}"));
        return path;
    }

    private static void WritePrivate(string path, IEnumerable<string> lines)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        using var writer = new StreamWriter(file);
        foreach (var line in lines) writer.WriteLine(line);
    }

    // URL-safe base64: no '+', '/' or '=', so the values survive `env $(cat node.env)` word splitting unquoted.
    private static string Random(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));
}
