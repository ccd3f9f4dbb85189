// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>Debian's redis-cli, scripted (test.sh installs redis-tools): AUTH, SET/GET with EX, TTL, INCR, hashes, --pipe.</summary>
public sealed class RedisCliTests(PatientRespCluster fixture) : IClassFixture<PatientRespCluster>
{
    private async Task<string> CliAsync(int node, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-h", fixture.Cluster.Node(node).Ip, "-p", RespCluster.Port.ToString(), "--no-auth-warning", "-a", fixture.AdminKey }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start (install Debian's redis-tools)");
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (await output + await error).Trim();
    }

    [Fact]
    public async Task A_scripted_session_sets_reads_counts_and_hashes()
    {
        Assert.Equal("OK", await CliAsync(1, null, "SET", "cli:k", "hello", "EX", "100"));
        Assert.Equal("hello", await CliAsync(2, null, "GET", "cli:k"));
        Assert.InRange(int.Parse(await CliAsync(3, null, "TTL", "cli:k")), 90, 100);
        await CliAsync(1, null, "DEL", "cli:n", "cli:h");
        Assert.Equal("1", await CliAsync(1, null, "INCR", "cli:n"));
        Assert.Equal("2", await CliAsync(2, null, "INCR", "cli:n"));
        Assert.Equal("2", await CliAsync(3, null, "HSET", "cli:h", "a", "1", "b", "2"));
        Assert.Equal("a\n1\nb\n2", await CliAsync(1, null, "HGETALL", "cli:h"));
    }

    [Fact]
    public async Task Without_a_key_redis_cli_is_told_to_authenticate()
    {
        var start = new ProcessStartInfo("redis-cli", ["-h", fixture.Cluster.Node(1).Ip, "-p", RespCluster.Port.ToString(), "GET", "x"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Contains("NOAUTH", output);
    }

    [Fact]
    public async Task Pipe_mode_bulk_loads_every_command()
    {
        var script = new StringBuilder();
        for (var i = 0; i < 2000; i++) script.Append($"*3\r\n$3\r\nSET\r\n${$"bulk:{i}".Length}\r\nbulk:{i}\r\n${i.ToString().Length}\r\n{i}\r\n");
        // 2,000 writes at once, most forwarded to another node's leader: at a load average of 30 to 38, 88 and 123 of
        // them were still waiting for their commit after the usual 4 s request timeout (PatientRespCluster).
        var report = await CliAsync(2, script.ToString(), "--pipe");
        // The whole report on failure: the summary, then each error reply redis-cli printed (stderr follows stdout).
        Assert.True(report.Contains("errors: 0, replies: 2000", StringComparison.Ordinal), $"redis-cli --pipe reported:\n{report}");
        Assert.Equal("1999", await CliAsync(3, null, "GET", "bulk:1999"));
        Assert.Equal("1\n2\n3", await CliAsync(1, null, "MGET", "bulk:1", "bulk:2", "bulk:3"));
    }
}
