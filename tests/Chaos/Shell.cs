// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Chaos;

/// <summary>Runs a host command (docker, iptables, a docker/ script) with a hard time limit.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, bool check = true)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)}: no exit after {timeout.TotalSeconds:F0} s");
        }

        var result = new Result(process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
        if (check && result.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {result.ExitCode}: {result.Error} {result.Output}");
        return result;
    }

    public static Task<Result> DockerAsync(params string[] args) => RunAsync("docker", args, TimeSpan.FromSeconds(60));

    public static Task<Result> DockerTryAsync(params string[] args) => RunAsync("docker", args, TimeSpan.FromSeconds(60), check: false);
}
