// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>One real node process (the built RaftCache.Node), its address and its captured log.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly StringBuilder _log = new();
    private readonly Lock _gate = new();
    private Process? _process;

    /// <summary>A node to start; with <paramref name="join"/> it starts empty with --join (no --id, no --initial-cluster) and waits to be added.</summary>
    public NodeProcess(int id, string ip, string dataDir, string initialCluster, IReadOnlyList<string> extraArgs, Uri? join = null)
    {
        Join = join;
        Id = id;
        Ip = ip;
        DataDir = dataDir;
        InitialCluster = initialCluster;
        ExtraArgs = extraArgs;
    }

    public int Id { get; }
    public string Ip { get; }
    public string DataDir { get; }
    public string InitialCluster { get; }
    public IReadOnlyList<string> ExtraArgs { get; }
    public Uri? Join { get; }
    /// <summary>The REST endpoint: https when the node is given a TLS certificate.</summary>
    public Uri Url => new($"{(ExtraArgs.Contains("--tls-certificate") ? "https" : "http")}://{Ip}:5001");
    public string PeerAddress => $"{Ip}:6001";
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The operating system's id of the running process.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException($"node {Id} was never started");

    /// <summary>Environment variables added to the process on every start.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>The exit code once the process has exited by itself or been stopped; null while it runs.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Waits (bounded) until the process exits by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        var process = _process ?? throw new InvalidOperationException($"node {Id} was never started");
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node {Id} did not exit within {within.TotalSeconds:F0} s; log tail:\n{string.Join('\n', Log.Split('\n').TakeLast(30))}");
        }
        process.WaitForExit(); // drains the redirected output, so Log holds the last lines
        return process.ExitCode;
    }

    public string Log
    {
        get
        {
            lock (_gate) return _log.ToString();
        }
    }

    /// <summary>Starts the process with its arguments, plus <paramref name="moreArgs"/> for this start only.</summary>
    public void Start(params string[] moreArgs)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(NodeProgram).Assembly.Location);
        string[] membership = Join is null
            ? ["--id", Id.ToString(CultureInfo.InvariantCulture), "--initial-cluster", InitialCluster]
            : ["--join", Join.ToString().TrimEnd('/')];
        foreach (var arg in new[]
        {
            "--listen", Url.ToString().TrimEnd('/'), "--peer-listen", PeerAddress, "--data-dir", DataDir,
        }.Concat(membership).Concat(ExtraArgs).Concat(moreArgs))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["RaftCache__ClusterSecret"] = TestCluster.ClusterSecret; // a --cluster-secret in ExtraArgs overrides it
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start node {Id}");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: no graceful stop, no leadership transfer, unflushed user-space buffers lost.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            if (p.WaitForExit(10_000)) p.WaitForExit(); // the parameterless wait also drains the redirected output
        }
    }

    /// <summary>SIGTERM: the graceful stop (leaderships handed over first). Waits for the process to exit.</summary>
    public void Terminate()
    {
        if (_process is not { HasExited: false } p) return;
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit(10_000);
        if (!p.WaitForExit(30_000)) throw new TimeoutException($"node {Id} did not stop within 30 s of SIGTERM");
        p.WaitForExit(); // drains the redirected output, so Log holds the last lines
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_gate) _log.AppendLine(line);
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }
}
