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

    public async Task KillAsync(int node)
    {
        lock (_lock) _down.Add(node);
        await Shell.DockerAsync("kill", Container(node));
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

    /// <summary>Ends every fault: partitions healed, paused nodes resumed, killed nodes started; then waits until all members are ready.</summary>
    public async Task HealAsync(TimeSpan readyWithin)
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
        await WaitReadyAsync(readyWithin);
    }
}
