// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Dev;

/// <summary>
/// The README's local cluster, run as a new user would: `raftcache dev` as a real process. Losing a node leaves the
/// others (and the gateway) serving, dev names the dead node and starts it again on Enter, the node catches up, and
/// the printed `--join` command line starts a fourth node that POST /admin/members then fills with replicas.
/// </summary>
public sealed partial class DevClusterTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Dev_survives_a_dead_node_restarts_it_on_enter_and_its_join_command_grows_the_cluster()
    {
        var host = $"{TestCluster.Net}.252.1";
        var dataDir = Directory.CreateTempSubdirectory("raftcache-dev-").FullName;
        using var dev = new DevProcess(host, dataDir);
        Process? joiner = null;
        try
        {
            await dev.WaitForAsync("Ctrl-C stops the cluster", Step);
            var key = AdminKey().Match(dev.Output).Groups[1].Value;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            var gateway = new Uri($"http://{host}:5000");
            Assert.StartsWith($"  gateway: {gateway.ToString().TrimEnd('/')}", dev.Output.Split('\n')[2]); // printed first

            (await http.PutAsJsonAsync(new Uri(gateway, "/keys/before"), new { data = 1 })).EnsureSuccessStatusCode();
            var pid = int.Parse(NodePid().Match(dev.Output).Groups[1].Value, CultureInfo.InvariantCulture);
            using (var node2 = Process.GetProcessById(pid)) node2.Kill();
            await dev.WaitForAsync("node 2 exited", Step);

            // The others, and the one address, keep serving.
            (await http.PutAsJsonAsync(new Uri(gateway, "/keys/while-down"), new { data = 2 })).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(gateway, "/keys/before"))).StatusCode);

            dev.PressEnter();
            await dev.WaitForAsync("node 2 is ready again", Step);
            await PollAsync(async () => (await http.GetAsync(new Uri($"http://{host}:5002/keys/while-down?consistency=local"))).StatusCode == HttpStatusCode.OK, "node 2 caught up");

            var join = dev.Output.Split('\n').Select(l => l.Trim()).First(l => l.Contains("--join", StringComparison.Ordinal));
            joiner = Process.Start(new ProcessStartInfo("bash", ["-c", "exec " + join]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            joiner.BeginOutputReadLine();
            joiner.BeginErrorReadLine();
            await PollAsync(async () =>
            {
                using var response = await http.PostAsJsonAsync(new Uri(gateway, "/admin/members"), new { address = $"http://{host}:5004" });
                return response.StatusCode == HttpStatusCode.Accepted;
            }, "the fourth node added");
            await PollAsync(async () =>
            {
                var member = await http.GetFromJsonAsync<JsonElement>(new Uri(gateway, "/admin/members/4"));
                return member.GetProperty("state").GetString() == "active" && member.GetProperty("replicas").GetArrayLength() > 0;
            }, "replicas moved onto the fourth node");
        }
        finally
        {
            if (joiner is { HasExited: false })
            {
                joiner.Kill();
                await joiner.WaitForExitAsync();
            }
            joiner?.Dispose();
            await dev.StopAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<bool> PollAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Step;
        while (true)
        {
            try
            {
                if (await condition()) return true;
            }
            catch (HttpRequestException)
            {
                // The node is still starting.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not in time: {what}");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"admin API key: (\S+)")]
    private static partial Regex AdminKey();

    [GeneratedRegex(@"node 2: \S+\s+redis://\S+\s+peers \S+\s+pid (\d+)")]
    private static partial Regex NodePid();

    /// <summary>`raftcache dev` with its console captured and its standard input writable (Enter).</summary>
    private sealed class DevProcess : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly Lock _gate = new();
        private readonly Process _process;

        public DevProcess(string host, string dataDir)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var arg in new[] { typeof(NodeProgram).Assembly.Location, "dev", "--host", host, "--data-dir", dataDir }) start.ArgumentList.Add(arg);
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_gate) return _output.ToString();
            }
        }

        public void PressEnter()
        {
            _process.StandardInput.WriteLine();
            _process.StandardInput.Flush();
        }

        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (_process.HasExited || DateTime.UtcNow > deadline) throw new TimeoutException($"dev did not print \"{text}\":\n{Output}");
                await Task.Delay(100);
            }
        }

        /// <summary>SIGTERM, as Ctrl-C would: dev stops its nodes and its gateway gracefully.</summary>
        public async Task StopAsync()
        {
            if (_process.HasExited) return;
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(deadline.Token);
        }

        private void Append(string? line)
        {
            if (line is null) return;
            lock (_gate) _output.AppendLine(line);
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
