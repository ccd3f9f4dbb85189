// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaftCache.Cli.Connection;

/// <summary>
/// Where to connect and with which key: the command line wins over the environment (RAFTCACHE_ENDPOINTS,
/// RAFTCACHE_KEY), which wins over the config file (--config, RAFTCACHE_CONFIG or ~/.config/raftcache/config.json).
/// </summary>
public sealed record Settings(IReadOnlyList<Uri> Endpoints, string? ApiKey, TimeSpan Timeout)
{
    public static readonly Uri DefaultEndpoint = new("http://127.0.0.1:5001");

    public static Settings Resolve(string[]? endpoints, string? apiKey, string? configPath, double timeoutSeconds)
    {
        var file = ReadConfig(configPath);
        var text = endpoints is { Length: > 0 } ? string.Join(',', endpoints)
            : Environment.GetEnvironmentVariable("RAFTCACHE_ENDPOINTS") is { Length: > 0 } env ? env
            : file?.Endpoints is { Length: > 0 } fromFile ? string.Join(',', fromFile)
            : null;
        var parsed = text is null ? [DefaultEndpoint] : ParseEndpoints(text);
        var key = apiKey ?? (Environment.GetEnvironmentVariable("RAFTCACHE_KEY") is { Length: > 0 } k ? k : file?.ApiKey);
        if (timeoutSeconds is <= 0 or > 3600) throw new CliException(ExitCodes.Usage, "--timeout must be between 0 and 3600 seconds.");
        return new Settings(parsed, key, TimeSpan.FromSeconds(timeoutSeconds));
    }

    public static IReadOnlyList<Uri> ParseEndpoints(string text)
    {
        var list = new List<Uri>();
        foreach (var part in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var candidate = part.Contains("://", StringComparison.Ordinal) ? part : "http://" + part;
            if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
                throw new CliException(ExitCodes.Usage, $"'{part}' is not an endpoint: give a node's REST URL such as http://127.0.0.1:5001.");
            list.Add(uri);
        }
        if (list.Count == 0) throw new CliException(ExitCodes.Usage, "No endpoint given.");
        return list;
    }

    private static ConfigFile? ReadConfig(string? path)
    {
        var explicitPath = path ?? Environment.GetEnvironmentVariable("RAFTCACHE_CONFIG");
        var chosen = explicitPath ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "raftcache", "config.json");
        if (!File.Exists(chosen))
        {
            return explicitPath is null ? null : throw new CliException(ExitCodes.Usage, $"The config file {chosen} does not exist.");
        }
        try
        {
            return JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(chosen));
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"The config file {chosen} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The config file: <c>{"endpoints": ["http://…"], "api_key": "…"}</c>.</summary>
    private sealed record ConfigFile(
        [property: JsonPropertyName("endpoints")] string[]? Endpoints,
        [property: JsonPropertyName("api_key")] string? ApiKey);
}
