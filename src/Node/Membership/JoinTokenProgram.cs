// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using RaftCache.Node.Configuration;

namespace RaftCache.Node.Membership;

/// <summary>
/// <c>raftcache join-token --cluster-secret-file F [--ttl-seconds N] [--uses N]</c>: prints a join token signed
/// with the cluster secret, offline (no member is asked), so it can go into a Kubernetes Secret before the
/// cluster exists. Admins of a running cluster can also ask any member (<c>POST /admin/join-tokens</c>).
/// </summary>
public static class JoinTokenProgram
{
    public const string Usage = "usage: raftcache join-token --cluster-secret-file F [--ttl-seconds 86400] [--uses 1]   (or RAFTCACHE__CLUSTERSECRET)";

    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        var options = new NodeOptions { ClusterSecret = Environment.GetEnvironmentVariable("RAFTCACHE__CLUSTERSECRET") };
        long ttl = 86_400;
        var uses = 1;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--cluster-secret-file" when value is not null:
                    options.ClusterSecretFile = value;
                    options.ClusterSecret = null;
                    break;
                case "--ttl-seconds" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ttl):
                    break;
                case "--uses" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uses):
                    break;
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return ExitCodes.Stopped;
                default:
                    errors.WriteLine($"raftcache join-token: {args[i]}: unknown option or missing value\n{Usage}");
                    return ExitCodes.BadConfiguration;
            }
            i++;
        }
        try
        {
            var secrets = PeerSecret.SecretsOf(options);
            if (secrets.Length == 0) throw new InvalidOperationException("--cluster-secret-file: required (the secret every member has)");
            output.WriteLine(JoinToken.Mint(secrets[0], TimeSpan.FromSeconds(ttl), uses, TimeProvider.System));
            return ExitCodes.Stopped;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            errors.WriteLine($"raftcache join-token: {e.Message.Split(" (Parameter", 2)[0]}");
            return ExitCodes.BadConfiguration;
        }
    }
}
