// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Node.Dev;

public static partial class DevCluster
{
    private static Process Start(string name, string[] args, string logPath, Action<IDictionary<string, string?>> environment)
    {
        var (program, prefix) = Self();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in prefix.Concat(args)) start.ArgumentList.Add(arg);
        environment(start.Environment); // secrets go here, not on the command line: others could read them there
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.Exited += (_, _) => { lock (gate) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // Run as the app host (dotnet run) or as `dotnet RaftCache.Node.dll`: start the children the same way.
    private static (string Program, string[] Prefix) Self()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("the process path is unknown");
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [typeof(DevCluster).Assembly.Location])
            : (path, []);
    }

    /// <summary>A shell command line that starts this program with <paramref name="args"/> and the dev secrets from the environment file.</summary>
    public static string CommandLine(string environmentFile, IEnumerable<string> args)
    {
        var (program, prefix) = Self();
        return string.Join(' ', new[] { "env", $"$(cat {Quote(environmentFile)})", Quote(program) }.Concat(prefix.Concat(args).Select(Quote)));
    }

    private static string Quote(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,".Contains(c)) ? text : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task<bool> WaitReadyAsync(IReadOnlyList<DevChild> children, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ReadyTimeout);
        var pending = children.ToHashSet();
        try
        {
            while (pending.Count > 0)
            {
                if (pending.FirstOrDefault(c => c.Process.HasExited) is { } dead)
                {
                    Console.Error.WriteLine($"raftcache dev: {dead.Name} exited with code {dead.Process.ExitCode} while starting");
                    return false;
                }
                foreach (var child in pending.ToArray())
                {
                    try
                    {
                        using var response = await http.GetAsync(child.ReadyUrl, deadline.Token);
                        if (response.IsSuccessStatusCode) pending.Remove(child);
                    }
                    catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !deadline.IsCancellationRequested))
                    {
                        // Not listening yet, or slow to answer its first request: ask again.
                    }
                }
                if (pending.Count > 0) await Task.Delay(200, deadline.Token);
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task StopAllAsync(List<DevChild> children)
    {
        foreach (var child in children.Where(c => !c.Process.HasExited)) Terminate(child.Process.Id);
        using var deadline = new CancellationTokenSource(StopTimeout);
        foreach (var child in children)
        {
            try
            {
                await child.Process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"raftcache dev: {child.Name} did not stop in {StopTimeout.TotalSeconds:0} s; killing it");
                child.Process.Kill();
            }
            child.Process.Dispose();
        }
    }
}
