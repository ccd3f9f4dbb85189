// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>The container faults: kill (SIGKILL), start, pause (cgroup freezer), unpause, and healing all of them.</summary>
public sealed partial class ChaosCluster
{
    public bool IsDown(int node)
    {
        lock (_lock) return _down.Contains(node);
    }

    public bool IsPaused(int node)
    {
        lock (_lock) return _paused.Contains(node);
    }

    /// <summary>
    /// SIGKILL. A container that is no longer running counts as killed: a member being removed may already have
    /// learned so and exited by itself (exit code 3), which is its documented behaviour, not a harness failure.
    /// </summary>
    public async Task KillAsync(int node)
    {
        lock (_lock) _down.Add(node);
        var killed = await Shell.DockerTryAsync("kill", Container(node));
        if (killed.ExitCode == 0) return;
        var running = await Shell.DockerAsync("inspect", "-f", "{{.State.Running}}", Container(node));
        if (running.Output.Trim() != "false") throw new InvalidOperationException($"docker kill {Container(node)} failed: {killed.Error}");
    }

    /// <summary>The exit code of <paramref name="node"/>'s container once it stopped, or null while it runs.</summary>
    public async Task<int?> ExitCodeAsync(int node)
    {
        var state = await Shell.DockerAsync("inspect", "-f", "{{.State.Running}} {{.State.ExitCode}}", Container(node));
        var parts = state.Output.Trim().Split(' ');
        return parts[0] == "true" ? null : int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task RestartAsync(int node)
    {
        await Shell.DockerAsync("start", Container(node));
        lock (_lock) _down.Remove(node);
    }

    /// <summary>
    /// Freezes the node's processes; null when done, else docker's error. The cgroup freezer can give up on a
    /// heavily loaded host ("unable to freeze"): the container is then thawed again and keeps running.
    /// </summary>
    public async Task<string?> PauseAsync(int node)
    {
        lock (_lock) _paused.Add(node);
        var paused = await Shell.DockerTryAsync("pause", Container(node));
        if (paused.ExitCode == 0) return null;
        await Shell.DockerTryAsync("unpause", Container(node));
        lock (_lock) _paused.Remove(node);
        return paused.Error;
    }

    public async Task UnpauseAsync(int node)
    {
        await Shell.DockerAsync("unpause", Container(node));
        lock (_lock) _paused.Remove(node);
    }

    /// <summary>
    /// Ends every fault: partitions healed, paused nodes resumed, killed nodes started. Readiness is waited for
    /// separately (<see cref="WaitReadyAsync"/>), once the membership change in progress has settled: a member removed
    /// during the faults is retired then, and is never waited for.
    /// </summary>
    public async Task HealAsync()
    {
        await Partitions.HealAsync();
        int[] paused, down;
        lock (_lock)
        {
            paused = [.. _paused];
            down = [.. _down];
        }

        foreach (var node in paused) await UnpauseAsync(node);
        foreach (var node in down) await RestartAsync(node);
    }
}
