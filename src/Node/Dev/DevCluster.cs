// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace RaftCache.Node.Dev;

/// <summary>
/// <c>raftcache dev</c>: a local cluster of node processes on loopback (REST on 127.0.0.1:5001…, peers on
/// 127.0.0.1:6001…), data under one folder, each node's log in a file beside its data. Waits until every node
/// is ready, prints the endpoints and the Swagger URL, and on Ctrl-C stops every node gracefully (each hands
/// its leaderships over first), killing only a node that does not stop in time. Like etcd's Procfile.
/// Authentication is on as everywhere: dev makes an admin API key and a token signing key (kept in the data folder,
/// so a restart keeps them; <c>--fresh</c> makes new ones), hands them to the nodes through their environment
/// (not the command line, which other local users can read) and prints the key. <c>--no-auth</c> runs without
/// authentication, on loopback only, and says so loudly.
/// </summary>
public static partial class DevCluster
{
    public const int MaxNodes = 9;
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out var nodes, out var dataDir, out var fresh, out var noAuth, out var error))
        {
            Console.Error.WriteLine($"raftcache dev: {error}");
            Console.Error.WriteLine(NodeProgram.Usage);
            return 2;
        }
        dataDir = Path.GetFullPath(dataDir);
        if (fresh && Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        Directory.CreateDirectory(dataDir);
        var credentials = noAuth ? null : DevCredentials.LoadOrCreate(dataDir);

        var initial = string.Join(',', Enumerable.Range(1, nodes).Select(i => $"{i}={PeerAddress(i)}"));

        // A fresh random cluster secret per run: the peer handshake needs one, and nothing on disk depends on it.
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var children = new List<(int Id, Process Process)>();
        using var stopping = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopping.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopping.Cancel(); });
        try
        {
            for (var id = 1; id <= nodes; id++) children.Add((id, StartNode(id, dataDir, initial, credentials, secret)));
            Console.WriteLine($"raftcache dev: starting {nodes} nodes, data in {dataDir}");
            if (!await WaitReadyAsync(children, stopping.Token))
            {
                Console.Error.WriteLine("raftcache dev: the cluster did not become ready; see the node logs above");
                return 1;
            }
            PrintEndpoints(nodes, dataDir, credentials);
            var exited = Task.WhenAny(children.Select(c => c.Process.WaitForExitAsync(CancellationToken.None)));
            await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, stopping.Token)).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!stopping.IsCancellationRequested)
            {
                var dead = children.First(c => c.Process.HasExited);
                Console.Error.WriteLine($"raftcache dev: node {dead.Id} exited with code {dead.Process.ExitCode}; see {LogPath(dataDir, dead.Id)}");
                return 1;
            }
            Console.WriteLine("raftcache dev: stopping (each node hands its leaderships over first)...");
            return 0;
        }
        finally
        {
            await StopAllAsync(children);
        }
    }

    private static Process StartNode(int id, string dataDir, string initialCluster, DevCredentials? credentials, string clusterSecret)
    {
        var (program, prefix) = Self();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in prefix) start.ArgumentList.Add(arg);
        start.Environment["RaftCache__ClusterSecret"] = clusterSecret; // not on the command line: others could read it there
        foreach (var arg in new[]
        {
            "--id", id.ToString(CultureInfo.InvariantCulture), "--listen", RestUrl(id), "--peer-listen", PeerAddress(id), "--resp-listen", RespAddress(id),
            "--data-dir", Path.Combine(dataDir, $"node-{id}"), "--initial-cluster", initialCluster,
        })
        {
            start.ArgumentList.Add(arg);
        }
        if (credentials is null) start.ArgumentList.Add("--no-auth");
        else credentials.ApplyTo(start.Environment);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start node {id}");
        var log = new StreamWriter(LogPath(dataDir, id), append: true) { AutoFlush = true };
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

    private static async Task<bool> WaitReadyAsync(List<(int Id, Process Process)> children, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ReadyTimeout);
        var pending = children.Select(c => c.Id).ToHashSet();
        try
        {
            while (pending.Count > 0)
            {
                if (children.FirstOrDefault(c => c.Process.HasExited) is { Process: not null } dead)
                {
                    Console.Error.WriteLine($"raftcache dev: node {dead.Id} exited with code {dead.Process.ExitCode} while starting");
                    return false;
                }
                foreach (var id in pending.ToArray())
                {
                    try
                    {
                        using var response = await http.GetAsync(new Uri(RestUrl(id) + "/health/ready"), deadline.Token);
                        if (response.IsSuccessStatusCode) pending.Remove(id);
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

    private static async Task StopAllAsync(List<(int Id, Process Process)> children)
    {
        foreach (var (_, process) in children.Where(c => !c.Process.HasExited)) Terminate(process.Id);
        using var deadline = new CancellationTokenSource(StopTimeout);
        foreach (var (id, process) in children)
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"raftcache dev: node {id} did not stop in {StopTimeout.TotalSeconds:0} s; killing it");
                process.Kill();
            }
            process.Dispose();
        }
    }

    private static void PrintEndpoints(int nodes, string dataDir, DevCredentials? credentials)
    {
        Console.WriteLine("raftcache dev: cluster ready");
        for (var id = 1; id <= nodes; id++) Console.WriteLine($"  node {id}: {RestUrl(id)}   redis://{RespAddress(id)}   peers {PeerAddress(id)}   log {LogPath(dataDir, id)}");
        Console.WriteLine($"  Swagger UI: {RestUrl(1)}/swagger   OpenAPI: {RestUrl(1)}/openapi/v1.json");
        if (credentials is null)
        {
            Console.WriteLine($"  try: curl -X PUT {RestUrl(1)}/keys/hello -H 'Content-Type: application/json' -d '{{\"data\": \"world\", \"ttl_seconds\": 600}}'");
            Console.WriteLine($"       curl {RestUrl(Math.Min(2, nodes))}/keys/hello");
            Console.WriteLine();
            Console.WriteLine("  !!! WARNING: AUTHENTICATION IS OFF (--no-auth). Anyone who can reach 127.0.0.1 on this machine can read,");
            Console.WriteLine("  !!! write and flush this cluster. The nodes listen on loopback only; never use --no-auth anywhere else.");
            Console.WriteLine();
            Console.WriteLine("  Press Ctrl-C to stop.");
            return;
        }
        Console.WriteLine($"  admin API key: {credentials.AdminKey}   (saved in {credentials.Path}; --fresh makes a new one)");
        Console.WriteLine($"  try: export RAFTCACHE_KEY={credentials.AdminKey}");
        Console.WriteLine($"       curl -X PUT {RestUrl(1)}/keys/hello -H \"X-Api-Key: $RAFTCACHE_KEY\" -H 'Content-Type: application/json' -d '{{\"data\": \"world\", \"ttl_seconds\": 600}}'");
        Console.WriteLine($"       curl {RestUrl(Math.Min(2, nodes))}/keys/hello -H \"X-Api-Key: $RAFTCACHE_KEY\"");
        Console.WriteLine($"       curl -X POST {RestUrl(1)}/login -H 'Content-Type: application/json' -d \"{{\\\"key\\\": \\\"$RAFTCACHE_KEY\\\"}}\"   # a 15-minute bearer token");
        Console.WriteLine($"       redis-cli -p {6379 + 1} -a \"$RAFTCACHE_KEY\" --no-auth-warning SET hello world EX 600   # the Redis protocol");
        Console.WriteLine("  In Swagger UI, press Authorize and paste the key into ApiKey. Press Ctrl-C to stop.");
    }

    private static bool TryParse(string[] args, out int nodes, out string dataDir, out bool fresh, out bool noAuth, out string error)
    {
        nodes = 3;
        dataDir = "raftcache-dev-data";
        fresh = false;
        noAuth = false;
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--fresh":
                    fresh = true;
                    break;
                case "--no-auth":
                    noAuth = true;
                    break;
                case "--nodes" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxNodes:
                    nodes = n;
                    i++;
                    break;
                case "--data-dir" when i + 1 < args.Length:
                    dataDir = args[++i];
                    break;
                default:
                    error = $"unknown or incomplete option {args[i]} (--nodes takes 1 to {MaxNodes})";
                    return false;
            }
        }
        return true;
    }

    public static string RestUrl(int id) => $"http://127.0.0.1:{5000 + id}";

    public static string PeerAddress(int id) => $"127.0.0.1:{6000 + id}";

    /// <summary>Node N's RESP endpoint: Redis's port plus N, so node 1 is 127.0.0.1:6380.</summary>
    public static string RespAddress(int id) => $"127.0.0.1:{6379 + id}";

    private static string LogPath(string dataDir, int id) => Path.Combine(dataDir, $"node-{id}.log");

    // SIGTERM, so the node runs its graceful stop (Process.Kill would be SIGKILL).
    private static void Terminate(int pid) => _ = SendSignal(pid, 15);

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
