// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Node.Dev;

/// <summary>
/// One process of the dev cluster (a node, or the gateway with <see cref="Id"/> 0): how to start it, the command
/// line that starts it by hand, and the running process. <see cref="Process"/> is replaced when it is restarted.
/// </summary>
public sealed class DevChild(int id, string name, Uri readyUrl, string logPath, Func<Process> start, string command)
{
    public int Id { get; } = id;
    public string Name { get; } = name;
    public Uri ReadyUrl { get; } = readyUrl;
    public string LogPath { get; } = logPath;
    public string Command { get; } = command;
    public Process Process { get; private set; } = start();

    /// <summary>True once dev has reported this process's exit and until it is started again.</summary>
    public bool Dead { get; set; }

    /// <summary>
    /// True once the node exited with <see cref="ExitCodes.Removed"/>: it was removed from the cluster, and starting it
    /// again on the same data folder would only get it refused, so dev never restarts it.
    /// </summary>
    public bool Removed { get; set; }

    public void Restart()
    {
        Process.Dispose();
        Process = start();
        Dead = false;
    }
}
