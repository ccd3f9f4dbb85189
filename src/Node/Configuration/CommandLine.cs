// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Node.Configuration;

/// <summary>
/// Turns the node's command line into configuration keys of the <c>RaftCache</c> section (the same keys that
/// appsettings.json and <c>RAFTCACHE__…</c> environment variables set). Most options take one value and the last
/// one given wins; flags (<c>--no-auth</c>) take none; <c>--api-key</c> may be repeated, one key each time.
/// </summary>
public static class CommandLine
{
    /// <summary>Options that take a value, and the configuration key each sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--id"] = "RaftCache:Id",
        ["--listen"] = "RaftCache:Listen",
        ["--peer-listen"] = "RaftCache:PeerListen",
        ["--data-dir"] = "RaftCache:DataDir",
        ["--initial-cluster"] = "RaftCache:InitialCluster",
        ["--join"] = "RaftCache:Join",
        ["--shards"] = "RaftCache:Shards",
        ["--replication-factor"] = "RaftCache:ReplicationFactor",
        ["--tick-ms"] = "RaftCache:TickMs",
        ["--election-ticks"] = "RaftCache:ElectionTicks",
        ["--lease-clock-drift-percent"] = "RaftCache:LeaseClockDriftPercent",
        ["--read-index-from-lease"] = "RaftCache:ReadIndexFromLease",
        ["--default-ttl-seconds"] = "RaftCache:DefaultTtlSeconds",
        ["--max-value-bytes"] = "RaftCache:MaxValueBytes",
        ["--snapshot-entries"] = "RaftCache:SnapshotEntries",
        ["--request-timeout-ms"] = "RaftCache:RequestTimeoutMs",
        ["--down-after-seconds"] = "RaftCache:DownAfterSeconds",
        ["--max-moves"] = "RaftCache:MaxConcurrentMoves",
        ["--snapshot-rate-mib"] = "RaftCache:SnapshotRateMiB",
        ["--leaders-follow-load"] = "RaftCache:LeadersFollowLoad",
        ["--load-window-seconds"] = "RaftCache:LoadWindowSeconds",
        ["--max-connections"] = "RaftCache:MaxConnections",
        ["--max-request-header-bytes"] = "RaftCache:MaxRequestHeaderBytes",
        ["--max-keys-per-page"] = "RaftCache:MaxKeysPerPage",
        ["--api-keys-file"] = "RaftCache:ApiKeysFile",
        ["--token-signing-key"] = "RaftCache:TokenSigningKey",
        ["--token-lifetime-seconds"] = "RaftCache:TokenLifetimeSeconds",
        ["--allow-anonymous-metrics"] = "RaftCache:AllowAnonymousMetrics",
        ["--allow-anonymous-openapi"] = "RaftCache:AllowAnonymousOpenApi",
        ["--auth-failure-limit"] = "RaftCache:AuthFailureLimit",
        ["--auth-failure-window-seconds"] = "RaftCache:AuthFailureWindowSeconds",
        ["--tls-certificate"] = "RaftCache:TlsCertificate",
        ["--tls-key"] = "RaftCache:TlsKey",
        ["--tls-certificate-password"] = "RaftCache:TlsCertificatePassword",
        ["--tls-ca-file"] = "RaftCache:TlsCaFile",
        ["--cluster-secret"] = "RaftCache:ClusterSecret",
        ["--cluster-secret-file"] = "RaftCache:ClusterSecretFile",
        ["--encryption-key-file"] = "RaftCache:EncryptionKeyFile",
        ["--removed-exit-code"] = "RaftCache:RemovedExitCode",
        ["--resp-listen"] = "RaftCache:RespListen",
        ["--resp-read-consistency"] = "RaftCache:RespReadConsistency",
        ["--otlp-endpoint"] = "RaftCache:OtlpEndpoint",
        ["--otlp-interval-ms"] = "RaftCache:OtlpIntervalMs",
        ["--peer-advertise"] = "RaftCache:PeerAdvertise",
        ["--advertise-url"] = "RaftCache:AdvertiseUrl",
        ["--join-token"] = "RaftCache:JoinToken",
        ["--join-token-file"] = "RaftCache:JoinTokenFile",
        ["--join-timeout-seconds"] = "RaftCache:JoinTimeoutSeconds",
        ["--k8s-statefulset"] = "RaftCache:KubernetesStatefulSet",
        ["--drain-timeout-seconds"] = "RaftCache:DrainTimeoutSeconds",
    };

    /// <summary>Options without a value: giving one sets its key to true.</summary>
    public static readonly IReadOnlyDictionary<string, string> Flags = new Dictionary<string, string>
    {
        ["--no-auth"] = "RaftCache:NoAuth",
        ["--insecure-peers"] = "RaftCache:InsecurePeers",
        ["--stay-up-when-removed"] = "RaftCache:StayUpWhenRemoved",
        ["--resp-cluster"] = "RaftCache:RespCluster",
    };

    public const string ApiKeySwitch = "--api-key";

    /// <summary>The settings the arguments give, or false with an error that names the option.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out Dictionary<string, string?> settings, out string error)
    {
        settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        error = "";
        var keys = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (Flags.TryGetValue(arg, out var flag))
            {
                settings[flag] = "true";
                continue;
            }
            if (!Switches.ContainsKey(arg) && arg != ApiKeySwitch)
            {
                error = $"unknown option {arg}";
                return false;
            }
            if (i + 1 >= args.Count)
            {
                error = $"{arg} needs a value";
                return false;
            }
            var value = args[++i];
            if (arg != ApiKeySwitch)
            {
                settings[Switches[arg]] = value;
                continue;
            }
            if (!ApiKeySpec.TryParse(value, out var key, out var keyError))
            {
                error = $"{ApiKeySwitch}: {keyError}";
                return false;
            }
            var prefix = string.Create(CultureInfo.InvariantCulture, $"RaftCache:ApiKeys:{keys++}:");
            settings[prefix + "Name"] = key.Name;
            settings[prefix + "Role"] = key.Role;
            settings[prefix + "Key"] = key.Key;
        }
        return true;
    }
}
