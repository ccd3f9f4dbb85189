// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Node.Gateway;

/// <summary>
/// Settings of <c>raftcache gateway</c>: where it listens, the members it starts from, the key it discovers the
/// rest with, and a limit on every resource it spends (time, attempts, connections, body size).
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Environment variable holding the discovery key (an admin API key), so it is not on the command line.</summary>
    public const string DiscoveryKeyVariable = "RaftCache__Gateway__DiscoveryKey";

    public string Listen { get; set; } = "http://127.0.0.1:5000";

    /// <summary>REST URLs of members to start from; the others are learned from GET /admin/cluster.</summary>
    public List<Uri> Seeds { get; set; } = [];

    /// <summary>An admin API key for GET /admin/cluster; without one the gateway routes to its seeds only.</summary>
    public string? DiscoveryKey { get; set; }

    /// <summary>How long a request may take through the gateway, all attempts together, before it answers 503.</summary>
    public int RequestTimeoutMs { get; set; } = 10_000;

    /// <summary>Members one request is sent to at most (a retry goes to another member).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Between two rounds of discovery and health checks.</summary>
    public int RefreshMs { get; set; } = 1_000;

    /// <summary>Open connections to one member at most; further requests wait for one.</summary>
    public int MaxConnectionsPerMember { get; set; } = 256;

    /// <summary>Concurrent client connections to the gateway.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Largest request body (a value of the default 1 MiB limit plus its JSON envelope); 413 beyond.</summary>
    public long MaxBodyBytes { get; set; } = (1 << 20) + (64 << 10);

    public const string Usage = """
        usage: raftcache gateway --seeds URL[,URL...] [--listen URL] [--discovery-key-file FILE]
          --seeds URLS              REST URLs of members to start from (the others are discovered)
          --listen URL              where clients connect (default http://127.0.0.1:5000)
          --discovery-key-file F    file holding an admin API key for GET /admin/cluster (or RaftCache__Gateway__DiscoveryKey)
          --request-timeout-ms N    all attempts of one request together (default 10000), then 503
          --max-attempts N          members one request is tried on (default 3)
          --refresh-ms N            between discovery and health-check rounds (default 1000)
          --max-connections-per-member N (256), --max-connections N (10000), --max-body-bytes N (1114112)
        """;

    /// <summary>Options from the command line and the environment, or null with <paramref name="error"/> naming the option.</summary>
    public static GatewayOptions? Parse(string[] args, Func<string, string?> environment, out string error)
    {
        var options = new GatewayOptions { DiscoveryKey = environment(DiscoveryKeyVariable) is { Length: > 0 } key ? key : null };
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null)
            {
                error = $"{args[i]} needs a value";
                return null;
            }
            i++;
            switch (args[i - 1])
            {
                case "--seeds":
                    foreach (var seed in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Uri.TryCreate(seed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                        {
                            error = $"--seeds: '{seed}' is not an http(s) URL";
                            return null;
                        }
                        options.Seeds.Add(uri);
                    }
                    break;
                case "--listen": options.Listen = value; break;
                case "--discovery-key-file":
                    if (!File.Exists(value))
                    {
                        error = $"--discovery-key-file: {value} does not exist";
                        return null;
                    }
                    options.DiscoveryKey = File.ReadAllText(value).Trim();
                    break;
                case "--request-timeout-ms" when TryPositive(value, out var n): options.RequestTimeoutMs = n; break;
                case "--max-attempts" when TryPositive(value, out var n) && n <= 16: options.MaxAttempts = n; break;
                case "--refresh-ms" when TryPositive(value, out var n): options.RefreshMs = n; break;
                case "--max-connections-per-member" when TryPositive(value, out var n): options.MaxConnectionsPerMember = n; break;
                case "--max-connections" when TryPositive(value, out var n): options.MaxConnections = n; break;
                case "--max-body-bytes" when TryPositive(value, out var n): options.MaxBodyBytes = n; break;
                default:
                    error = $"unknown option or bad value: {args[i - 1]} {value}";
                    return null;
            }
        }
        if (options.Seeds.Count == 0) error = "--seeds: give at least one member's REST URL";
        return error.Length == 0 ? options : null;
    }

    private static bool TryPositive(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
