// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Chaos;

/// <summary>
/// Once per test run: checks that Docker and iptables are there (failing loudly, never skipping), removes
/// whatever an earlier crashed run left (labelled containers, the iptables chain), then builds the registry-free
/// base image and the node image from the current sources with the docker/ scripts.
/// </summary>
public sealed class ChaosImageFixture : IAsyncLifetime
{
    public const string Image = "raftcache/node:chaos";
    public const string BaseImage = "raftcache/base:local";

    public TimeSpan BuildTime { get; private set; }

    public async Task InitializeAsync()
    {
        await RequireToolsAsync();
        await ChaosCluster.RemoveLeftoversAsync();
        var clock = Stopwatch.StartNew();
        var docker = Path.Combine(ChaosSettings.RepositoryRoot, "docker");
        var publish = Directory.CreateTempSubdirectory("raftcache-chaos-publish-").FullName;
        try
        {
            await Shell.RunAsync(Path.Combine(docker, "make-base.sh"), [BaseImage], TimeSpan.FromMinutes(3));
            await Shell.RunAsync("env", [$"RAFTCACHE_PUBLISH_DIR={publish}", "RAFTCACHE_IMAGE_LABEL=raftcache-image=chaos",
                Path.Combine(docker, "build-node.sh"), Image, BaseImage], TimeSpan.FromMinutes(10));
        }
        finally
        {
            Directory.Delete(publish, recursive: true);
        }

        BuildTime = clock.Elapsed;
    }

    public Task DisposeAsync() => ChaosCluster.RemoveLeftoversAsync();

    private static async Task RequireToolsAsync()
    {
        const string Hint = "The chaos tests need a Docker engine and iptables as root (./test.sh starts them with docker/docker-up.sh).";
        Shell.Result info;
        try
        {
            info = await Shell.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20), check: false);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"docker CLI not found ({e.Message}). {Hint}", e);
        }

        if (info.ExitCode != 0 || info.Output.Length == 0)
            throw new InvalidOperationException($"no Docker engine answers: {info.Error}. {Hint}");
        var iptables = await Shell.RunAsync("iptables", ["-w", "5", "-S", "INPUT"], TimeSpan.FromSeconds(20), check: false);
        if (iptables.ExitCode != 0) throw new InvalidOperationException($"iptables does not work here: {iptables.Error}. {Hint}");
    }
}

/// <summary>Every chaos test shares one image build and runs one at a time (they share 127.0.0.11-15).</summary>
[CollectionDefinition(Name)]
public sealed class ChaosCollection : ICollectionFixture<ChaosImageFixture>
{
    public const string Name = "chaos";
}
