// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Dev;

public static partial class DevCluster
{
    /// <summary>
    /// Runs until Ctrl-C. A process that exits is reported (which one, its exit code, its log, how to start it again)
    /// while the others keep serving; Enter starts every dead process again, and a restarted node catches up from its
    /// own data and its shards' leaders. When standard input is closed, only the printed command restarts it. A node that
    /// exits because it was removed from the cluster (<see cref="ExitCodes.Removed"/>) is reported and never restarted.
    /// </summary>
    private static async Task SuperviseAsync(List<DevChild> children, CancellationToken stopping)
    {
        var stopped = Task.Delay(Timeout.Infinite, stopping);
        Task<string?>? line = ReadLineAsync();
        while (!stopping.IsCancellationRequested)
        {
            var exits = children.Where(c => !c.Dead).Select(c => c.Process.WaitForExitAsync(CancellationToken.None));
            await Task.WhenAny(exits.Append(stopped).Append(line ?? Task.Delay(Timeout.Infinite, CancellationToken.None)));
            if (stopping.IsCancellationRequested) return;
            foreach (var child in children.Where(c => !c.Dead && c.Process.HasExited))
            {
                child.Dead = true;
                if (child.Id != 0 && child.Process.ExitCode == ExitCodes.Removed)
                {
                    // Final: a removed member is never restarted (its data folder belongs to a retired id).
                    child.Removed = true;
                    Console.Error.WriteLine($"raftcache dev: {child.Name} was removed from the cluster (exit code {ExitCodes.Removed}) and stays stopped; see its log {child.LogPath}.");
                    continue;
                }
                Console.Error.WriteLine($"raftcache dev: {child.Name} exited with code {child.Process.ExitCode}; see its log {child.LogPath}.");
                Console.Error.WriteLine($"  The others keep serving. Press Enter to start it again, or run it yourself:\n  {child.Command}");
            }
            if (line is { IsCompleted: true })
            {
                line = await line is null ? null : ReadLineAsync(); // end of input: only the printed commands restart now
                foreach (var child in children.Where(c => c.Dead && !c.Removed))
                {
                    child.Restart();
                    Console.WriteLine($"raftcache dev: started {child.Name} again (pid {child.Process.Id}); it catches up from its data and its shards' leaders");
                    _ = ReportReadyAsync(child, stopping);
                }
            }
        }
    }

    private static Task<string?> ReadLineAsync() => Task.Run(Console.In.ReadLine);

    private static async Task ReportReadyAsync(DevChild child, CancellationToken stopping)
    {
        if (await WaitReadyAsync([child], stopping)) Console.WriteLine($"raftcache dev: {child.Name} is ready again");
    }
}
