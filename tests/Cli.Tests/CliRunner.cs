// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Cli.Tests;

/// <summary>What one run of the tool did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"stdout is not JSON ({e.Message}); exit {ExitCode}, stderr: {Stderr}\nstdout: {Stdout}", e);
        }
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs the built raftcache as a process, with the test cluster's admin key in its environment unless told otherwise.</summary>
public static class CliRunner
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, string? apiKey = null, bool withKey = true)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(ExitCodes).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("RAFTCACHE_ENDPOINTS");
        start.Environment.Remove("RAFTCACHE_CONFIG");
        if (withKey) start.Environment["RAFTCACHE_KEY"] = apiKey ?? TestCluster.AdminKey;
        else start.Environment.Remove("RAFTCACHE_KEY");
        start.Environment["HOME"] = Path.GetTempPath(); // no config file of the machine's user is read
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"raftcache {string.Join(' ', args)} did not finish within {Limit.TotalMinutes} minutes");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<CliResult> RunAsync(TestCluster cluster, params string[] args) =>
        RunAsync([.. args, "--endpoints", string.Join(',', cluster.Nodes.Select(n => n.Url.ToString().TrimEnd('/')))]);

    /// <summary>Bad input is one line on stderr, with no stack trace.</summary>
    public static void AssertOneLineError(CliResult result, int exitCode, string mentions)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("raftcache: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(mentions, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
