// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;

namespace RaftCache.Cli;

/// <summary>Options every command takes: where the cluster is, the key, the output format.</summary>
public static class GlobalOptions
{
    public static readonly Option<string[]> Endpoints = new("--endpoints", "-e")
    {
        Description = "REST URLs of any members, comma-separated; the next is tried when one is down [env: RAFTCACHE_ENDPOINTS; default http://127.0.0.1:5001]",
        Recursive = true,
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string> ApiKey = new("--api-key", "-k") { Description = "API key [env: RAFTCACHE_KEY]", Recursive = true };

    public static readonly Option<string> Output = new("--output", "-o")
    {
        Description = "table (for people) or json (for scripts)",
        Recursive = true,
        DefaultValueFactory = _ => "table",
    };

    public static readonly Option<string> Config = new("--config")
    {
        Description = "config file {\"endpoints\": [...], \"api_key\": \"...\"} [env: RAFTCACHE_CONFIG; default ~/.config/raftcache/config.json]",
        Recursive = true,
    };

    public static readonly Option<double> Timeout = new("--timeout")
    {
        Description = "seconds to wait for one HTTP answer before trying the next endpoint",
        Recursive = true,
        DefaultValueFactory = _ => 30,
    };

    public static IEnumerable<Option> All => [Endpoints, ApiKey, Output, Config, Timeout];

    static GlobalOptions() => Output.AcceptOnlyFromAmong("table", "json");
}
