// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>
/// docker/launch.sh N and docker/compose.yaml (with the gateway) on the Docker engine the chaos tests use: the
/// script docker/check-docker.sh starts, checks and stops exactly its own containers (127.26.251-252.x), each step
/// bounded. Not a chaos scenario: no faults, about a minute. In the chaos collection so that it never drives the
/// engine while a scenario builds or prunes its image (the engine refuses a second concurrent prune).
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class DockerDeployTests
{
    [Fact]
    public async Task Launch_N_and_compose_with_the_gateway_come_up_serve_and_stop_what_they_started()
    {
        var script = Path.Combine(ChaosSettings.RepositoryRoot, "docker", "check-docker.sh");
        var result = await Shell.RunAsync(script, [], TimeSpan.FromMinutes(15), check: false);
        Assert.True(result.ExitCode == 0, $"{script} exited {result.ExitCode}:\n{result.Output}\n{result.Error}");
        Assert.Contains(", 0 failed", result.Output);
        Assert.DoesNotContain("FAIL", result.Output);
    }
}
