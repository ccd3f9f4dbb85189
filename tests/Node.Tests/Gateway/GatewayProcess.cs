// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text;
using RaftCache.Node.Gateway;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Gateway;

/// <summary>A real <c>raftcache gateway</c> process in front of a test cluster, with the cluster's admin key for discovery.</summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly StringBuilder _log = new();
    private readonly Lock _gate = new();
    private readonly Process _process;

    public GatewayProcess(Uri listen, IEnumerable<Uri> seeds, params string[] extraArgs)
    {
        Url = listen;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(NodeProgram).Assembly.Location, "gateway", "--listen", listen.ToString().TrimEnd('/'), "--seeds", string.Join(',', seeds) }.Concat(extraArgs))
            start.ArgumentList.Add(arg);
        start.Environment[GatewayOptions.DiscoveryKeyVariable] = TestCluster.AdminKey;
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the gateway");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public string Log
    {
        get
        {
            lock (_gate) return _log.ToString();
        }
    }

    /// <summary>Polls GET /gateway/members (bounded) until the gateway knows <paramref name="members"/> members, all ready.</summary>
    public async Task WaitForMembersAsync(HttpClient http, int members, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var view = await http.GetStringAsync(new Uri(Url, "/gateway/members"));
                using var json = System.Text.Json.JsonDocument.Parse(view);
                var ready = json.RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("health").GetString() == "Ready");
                if (ready == members) return;
            }
            catch (HttpRequestException)
            {
            }
            if (_process.HasExited) throw new InvalidOperationException($"the gateway exited:\n{Log}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the gateway did not see {members} ready members:\n{Log}");
            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_gate) _log.AppendLine(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
