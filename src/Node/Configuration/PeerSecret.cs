// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Node.Transport;

namespace RaftCache.Node.Configuration;

/// <summary>
/// Turns the peer-authentication settings into <see cref="PeerCredentials"/>. Closed by default: without a
/// secret a node refuses to start unless <see cref="NodeOptions.InsecurePeers"/> says, explicitly, to run open.
/// </summary>
public static class PeerSecret
{
    public const string InsecureWarning =
        "--insecure-peers: peer connections are NOT authenticated; anyone who reaches the peer port can join, vote and inject entries. Never use this outside a throwaway local experiment.";

    /// <summary>Adds one error per problem, each naming the setting (used by <see cref="NodeOptionsValidator"/>).</summary>
    public static void Validate(NodeOptions options, List<string> errors)
    {
        try
        {
            Load(options);
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e.Message);
        }
    }

    /// <exception cref="InvalidOperationException">The settings are missing, contradictory, or the secret is unusable; the message names the setting.</exception>
    public static PeerCredentials Load(NodeOptions options)
    {
        var hasSecret = !string.IsNullOrEmpty(options.ClusterSecret);
        var hasFile = !string.IsNullOrEmpty(options.ClusterSecretFile);
        if (hasSecret && hasFile) throw new InvalidOperationException("--cluster-secret and --cluster-secret-file: give one of them, not both");
        if (options.InsecurePeers)
        {
            if (hasSecret || hasFile) throw new InvalidOperationException("--insecure-peers: cannot be combined with a cluster secret; drop one of them");
            return PeerCredentials.Insecure;
        }
        if (!hasSecret && !hasFile)
        {
            throw new InvalidOperationException(
                "--cluster-secret-file (or --cluster-secret, RAFTCACHE__ClusterSecret): required, so that only members can join, vote and replicate; "
                + "give every node the same secret of at least 16 bytes (e.g. `openssl rand -base64 32`), or --insecure-peers to run unauthenticated (unsafe)");
        }
        // A file may hold several secrets, one per line, during a rotation: the first is the one this node proves
        // with, the others are also accepted from peers (docs/security.md, "Rotating the cluster secret").
        string[] secrets = hasSecret ? [options.ClusterSecret!] : ReadFile(options.ClusterSecretFile!);
        var setting = hasSecret ? "--cluster-secret" : "--cluster-secret-file";
        if (secrets.Length == 0) throw new InvalidOperationException($"{setting}: the file holds no secret");
        try
        {
            var primary = PeerCredentials.FromSecret(Encoding.UTF8.GetBytes(secrets[0]));
            return secrets.Length == 1 ? primary : primary.AcceptingAlso(secrets.Skip(1).Select(s => PeerCredentials.FromSecret(Encoding.UTF8.GetBytes(s))));
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{setting}: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
    }

    /// <summary>The configured cluster secrets as text (several during a rotation), or none when peers run insecure.</summary>
    public static string[] SecretsOf(NodeOptions options) =>
        !string.IsNullOrEmpty(options.ClusterSecret) ? [options.ClusterSecret]
        : !string.IsNullOrEmpty(options.ClusterSecretFile) ? ReadFile(options.ClusterSecretFile) : [];

    private static string[] ReadFile(string path)
    {
        try
        {
            return [.. File.ReadAllLines(path).Select(line => line.TrimEnd()).Where(line => line.Length > 0)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new InvalidOperationException($"--cluster-secret-file: cannot read '{path}': {e.Message}", e);
        }
    }
}
