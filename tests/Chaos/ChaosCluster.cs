// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Chaos;

/// <summary>
/// N RaftCache nodes in containers on the host network, node i listening on 127.0.0.(10+i) (REST :5001,
/// peers :6001), each with its data folder on a host temp dir. "Node" everywhere in the chaos tests means this
/// address slot (1 to <see cref="MaxSlots"/>); the founders' member ids equal their slots, a joiner's id is the one
/// the cluster gives it (ChaosCluster.Members.cs). Every container carries the label raftcache-chaos=&lt;run id&gt;;
/// disposal removes them, the data and the partition chain, also after a failure.
/// </summary>
public sealed partial class ChaosCluster : IAsyncDisposable
{
    public const string LabelKey = "raftcache-chaos";
    public const int Shards = 4;

    private readonly string _runId;
    private readonly string _dataRoot;
    private readonly HashSet<int> _down = [];
    private readonly HashSet<int> _paused = [];
    private readonly Lock _lock = new();

    private ChaosCluster(int nodes, string runId, ClusterFeatures features)
    {
        NodeCount = nodes;
        Features = features;
        _runId = runId;
        _dataRoot = Directory.CreateTempSubdirectory($"raftcache-chaos-{runId}-").FullName;
        foreach (var i in Enumerable.Range(1, nodes))
        {
            _containers[i] = $"n{i}";
            _ids[i] = (ulong)i;
        }
    }

    /// <summary>How many founders the cluster started with.</summary>
    public int NodeCount { get; }

    public ClusterFeatures Features { get; }

    public static string Address(int node) => $"127.0.0.{10 + node}";

    public static Uri RestUrl(int node) => new($"http://{Address(node)}:5001");

    /// <summary>
    /// The admin API key every chaos node is started with (<c>--api-key</c>; authentication is on, as by default).
    /// The workload and admin clients send it as <c>X-Api-Key</c>. Random per test run.
    /// </summary>
    /// <remarks>
    /// Kept in <see cref="ChaosCredentials"/>, not in a static field of this partial class: static initializers of
    /// the HTTP clients in the other parts of this class run in file order, and one that ran first sent a null key.
    /// </remarks>
    public static string AdminKey => ChaosCredentials.AdminKey;

    public string Container(int node)
    {
        lock (_lock) return $"raftcache-chaos-{_runId}-{_containers[node]}";
    }

    /// <summary>The peer secret of every chaos node; random per test process.</summary>
    private static string ClusterSecret => ChaosCredentials.ClusterSecret;

    /// <summary>Starts the containers and waits (bounded) until every node is ready.</summary>
    public static async Task<ChaosCluster> StartAsync(int nodes, string runId, ClusterFeatures features = ClusterFeatures.None)
    {
        var cluster = new ChaosCluster(nodes, runId, features);
        try
        {
            await Partitions.InstallAsync();
            var initial = string.Join(',', cluster.Nodes.Select(i => $"{i}={Address(i)}:6001"));
            foreach (var i in cluster.Nodes)
                await cluster.RunContainerAsync(i, ["--id", i.ToString(CultureInfo.InvariantCulture), "--initial-cluster", initial]);

            await cluster.WaitReadyAsync(TimeSpan.FromSeconds(90));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the container of <paramref name="node"/>; <paramref name="membership"/> is how it finds its cluster (--id and --initial-cluster, or --join).</summary>
    private async Task RunContainerAsync(int node, string[] membership)
    {
        string name;
        lock (_lock) _started.Add(name = _containers[node]);
        var data = Path.Combine(_dataRoot, name);
        Directory.CreateDirectory(data);
        if (Features.HasFlag(ClusterFeatures.SmallDisks)) await MountDiskAsync(data);
        string[] clock = [];
        if (Features.HasFlag(ClusterFeatures.FakeClock))
        {
            await PrepareClockAsync(data + "-clock");
            clock = FakeClockArguments(data + "-clock");
        }

        await Shell.DockerAsync(["run", "-d", "--name", Container(node), "--label", $"{LabelKey}={_runId}",
            "--network", "host", "-v", $"{data}:/data", .. clock, "-e", "RaftCache__RequestTimeoutMs=2000",
            "-e", $"RaftCache__ClusterSecret={ClusterSecret}",
            ChaosImageFixture.Image, .. membership,
            "--listen", RestUrl(node).ToString().TrimEnd('/'), "--peer-listen", $"{Address(node)}:6001", "--data-dir", "/data",
            "--tick-ms", "50", "--election-ticks", "10", "--shards", Shards.ToString(CultureInfo.InvariantCulture),
            "--snapshot-entries", "200", "--default-ttl-seconds", "0", "--api-key", $"chaos:admin:{AdminKey}"]);
    }

    /// <summary>
    /// Removes every container of any chaos run (by label), the partition chain and the data disks left mounted; the
    /// cgroup limits and faketime settings of a node die with its container.
    /// </summary>
    public static async Task RemoveLeftoversAsync()
    {
        var ids = (await Shell.DockerTryAsync("ps", "-aq", "--filter", $"label={LabelKey}")).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length > 0) await Shell.DockerTryAsync(["rm", "-f", .. ids]);
        await Partitions.RemoveAsync();
        await UnmountLeftoversAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RemoveLeftoversAsync();
            await UnmountDisksAsync();
        }
        finally
        {
            try
            {
                Directory.Delete(_dataRoot, recursive: true);
            }
            catch (IOException)
            {
                // A container may still hold a file for a moment; the temp dir is harmless.
            }
        }
    }

    /// <summary>Saves `docker logs` of every node into <paramref name="folder"/>.</summary>
    public async Task SaveLogsAsync(string folder)
    {
        string[] containers;
        lock (_lock) containers = [.. _started];
        foreach (var name in containers)
        {
            var logs = await Shell.RunAsync("docker", ["logs", "--timestamps", $"raftcache-chaos-{_runId}-{name}"], TimeSpan.FromSeconds(60), check: false);
            await File.WriteAllTextAsync(Path.Combine(folder, $"{name}.log"), logs.Output + "\n--- stderr ---\n" + logs.Error);
        }
    }
}
