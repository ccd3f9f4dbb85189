// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Configuration;

/// <summary>Checks the orchestrator settings of <see cref="NodeOptions"/> (NodeOptions.Deploy.cs); each error names its option.</summary>
internal static class DeployOptionsValidator
{
    public static void Validate(NodeOptions options, List<string> errors)
    {
        if (options.PeerAdvertise is { } peer && !NodeOptionsValidator.IsHostPort(peer))
            errors.Add($"--peer-advertise: '{peer}' is not host:port such as raftcache-3.raftcache-peers:6001");
        if (options.AdvertiseUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https")))
            errors.Add($"--advertise-url: '{url}' is not an http(s) URL");
        if (options.InitialCluster is { } initial && options.Join is not null)
        {
            try
            {
                InitialCluster.Parse(initial);
            }
            catch (FormatException e)
            {
                errors.Add("--initial-cluster: " + e.Message);
            }
        }
        var hasToken = !string.IsNullOrEmpty(options.JoinToken);
        var hasTokenFile = !string.IsNullOrEmpty(options.JoinTokenFile);
        if (hasToken && hasTokenFile) errors.Add("--join-token and --join-token-file: give one of them, not both");
        if ((hasToken || hasTokenFile) && options.Join is null) errors.Add("--join-token: needs --join, the member to ask");
        if (hasTokenFile && !File.Exists(options.JoinTokenFile)) errors.Add($"--join-token-file: '{options.JoinTokenFile}' does not exist");
        if (options.JoinTimeoutSeconds is < 1 or > 86_400) errors.Add($"--join-timeout-seconds: {options.JoinTimeoutSeconds} is outside 1..86400");
        if (options.DrainTimeoutSeconds is < 1 or > 86_400) errors.Add($"--drain-timeout-seconds: {options.DrainTimeoutSeconds} is outside 1..86400");
        if (options.KubernetesApiUrl is { } api && !Uri.TryCreate(api, UriKind.Absolute, out _))
            errors.Add($"KubernetesApiUrl: '{api}' is not a URL");
    }

    /// <summary>The join token text from --join-token or --join-token-file, or null.</summary>
    public static string? JoinTokenOf(NodeOptions options) =>
        !string.IsNullOrEmpty(options.JoinToken) ? options.JoinToken.Trim()
        : !string.IsNullOrEmpty(options.JoinTokenFile) ? File.ReadAllText(options.JoinTokenFile).Trim() : null;
}
