// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using RaftCache.Node.Configuration;
using RaftCache.Node.Tests.Observability;

namespace RaftCache.Node.Tests.Membership;

/// <summary>deploy/kubernetes checked offline (no cluster): structure and cross-references, and pod args the node accepts.</summary>
public sealed class KubernetesManifestTests
{
    private static string Manifests => Path.Combine(Artifacts.RepositoryRoot, "deploy", "kubernetes");

    [Fact]
    public async Task The_manifests_pass_the_offline_check()
    {
        var (code, output) = await RunAsync("python3", Path.Combine(Manifests, "check.py"));
        Assert.True(code == 0, output);
        Assert.Contains("documents ok", output);
    }

    [Fact]
    public void The_pod_args_are_options_the_node_knows_and_a_pod_beyond_the_founders_joins()
    {
        var text = File.ReadAllText(Path.Combine(Manifests, "statefulset.yaml"));
        var args = text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- --", StringComparison.Ordinal))
            .Select(l => l[2..].Replace("$(POD_NAME)", "raftcache-4", StringComparison.Ordinal).Replace("$(POD_NAMESPACE)", "cache", StringComparison.Ordinal))
            .SelectMany(a => a.Split('=', 2)).ToArray();
        Assert.True(CommandLine.TryParse(args, out var settings, out var error), error);
        Assert.Equal("raftcache-4.raftcache-peers.cache.svc.cluster.local:6001", settings["RaftCache:PeerAdvertise"]);
        Assert.Contains("raftcache-0.raftcache-peers.cache.svc.cluster.local:6001", settings["RaftCache:InitialCluster"]);
        Assert.NotNull(settings["RaftCache:Join"]);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
