// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace RaftCache.Node.Configuration;

/// <summary>Checks <see cref="NodeOptions"/> at start; each failure names the setting and what is wrong with it.</summary>
public sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var errors = new List<string>();
        if (options.Id == 0 && options.Join is null) errors.Add("--id: required, a positive integer unique in the cluster (optional only with --join)");
        if (!Uri.TryCreate(options.Listen, UriKind.Absolute, out var listen) || listen.Scheme is not ("http" or "https"))
            errors.Add($"--listen: '{options.Listen}' is not an http(s) URL such as http://127.0.0.1:5001");
        if (!IsHostPort(options.PeerListen)) errors.Add($"--peer-listen: '{options.PeerListen}' is not host:port such as 127.0.0.1:6001");
        if (string.IsNullOrWhiteSpace(options.DataDir)) errors.Add("--data-dir: required");
        if (options.InitialCluster is not null && options.Join is not null && options.Id != 0)
            errors.Add("--initial-cluster and --join: together only without --id; a node named in --initial-cluster (by --peer-advertise) founds, any other joins");
        if (options.InitialCluster is { } initial && options.Join is null)
        {
            try
            {
                var members = InitialCluster.Parse(initial);
                if (options.Id != 0 && members.All(m => m.Id != options.Id))
                    errors.Add($"--initial-cluster: does not name this node's id {options.Id}");
                else if (members.FirstOrDefault(m => m.Id == options.Id) is { PeerAddress: var own } && own != options.AdvertisedPeer)
                    errors.Add($"--initial-cluster: names {own} for node {options.Id}, but this node's peer address (--peer-advertise, else --peer-listen) is {options.AdvertisedPeer}");
            }
            catch (FormatException e)
            {
                errors.Add("--initial-cluster: " + e.Message);
            }
        }
        if (options.Join is { } join && !Uri.TryCreate(join, UriKind.Absolute, out _))
            errors.Add($"--join: '{join}' is not a member's REST URL such as http://127.0.0.1:5001");
        DeployOptionsValidator.Validate(options, errors);
        PeerSecret.Validate(options, errors);
        if (options.EncryptionKeyFile is { Length: > 0 } keyFile)
        {
            try
            {
                Storage.StorageKeyring.Load(keyFile);
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                errors.Add($"--encryption-key-file: '{keyFile}': {e.Message}");
            }
        }
        Range(errors, "Shards", options.Shards, 1, Sharding.ShardMap.MaxShards);
        Range(errors, "ReplicationFactor", options.ReplicationFactor, 1, 7);
        Range(errors, "TickMs", options.TickMs, 1, 10_000);
        Range(errors, "HeartbeatTicks", options.HeartbeatTicks, 1, 1000);
        Range(errors, "LeaseClockDriftPercent", options.LeaseClockDriftPercent, 0, 50);
        if (options.ElectionTicks <= 2 * options.HeartbeatTicks)
            errors.Add($"ElectionTicks: {options.ElectionTicks} must exceed 2 × HeartbeatTicks ({options.HeartbeatTicks})");
        Range(errors, "MaxValueBytes", options.MaxValueBytes, 1, 64 << 20);
        Range(errors, "DefaultTtlSeconds", options.DefaultTtlSeconds, 0, int.MaxValue);
        Range(errors, "RequestTimeoutMs", options.RequestTimeoutMs, 100, 600_000);
        if (options.MaxMemoryBytesPerShard <= 0) errors.Add("MaxMemoryBytesPerShard: must be positive");
        Range(errors, "SnapshotEntries", options.SnapshotEntries, 10, 10_000_000);
        Range(errors, "SnapshotLogBytes", options.SnapshotLogBytes, 1 << 16, 1L << 34);
        Range(errors, "SnapshotCatchUpBytes", options.SnapshotCatchUpBytes, 0, 1L << 34);
        Range(errors, "DownAfterSeconds", options.DownAfterSeconds, 1, 86_400);
        Range(errors, "MaxConcurrentMoves", options.MaxConcurrentMoves, 1, 1000);
        Range(errors, "--snapshot-rate-mib", options.SnapshotRateMiB, 1, 10_000);
        Range(errors, "--load-window-seconds", options.LoadWindowSeconds, 1, 3600);
        Range(errors, "--max-connections", options.MaxConnections, 1, 1_000_000);
        Range(errors, "--max-request-header-bytes", options.MaxRequestHeaderBytes, 1024, 1 << 20);
        Range(errors, "--max-keys-per-page", options.MaxKeysPerPage, 1, 100_000);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, string name, long value, long min, long max)
    {
        if (value < min || value > max) errors.Add($"{name}: {value} is outside {min}..{max}");
    }

    internal static bool IsHostPort(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text.AsSpan(colon + 1), out var port) && port is > 0 and <= 65535;
    }
}
