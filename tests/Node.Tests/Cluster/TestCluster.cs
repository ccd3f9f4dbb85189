// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>
/// A cluster of real node processes, each on its own loopback address (127.1.C.N, fixed ports; C claimed across
/// processes by <see cref="ClaimClusterNumber"/>), so test classes and test assemblies can run side by side without
/// port clashes. Fast timing (25 ms ticks) keeps elections short.
/// Waits are bounded polls of the nodes' own HTTP answers, never sleeps standing in for synchronisation.
/// Authentication is on, as by default: every node gets the admin key <see cref="AdminKey"/> (<c>--api-key</c>), and
/// <see cref="Http"/> sends it on every request (<c>X-Api-Key</c>); a cluster started with <c>--no-auth</c> gets neither.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    /// <summary>Cluster numbers (third octets) 0..249; 250 and above are kept for the tests' other servers.</summary>
    internal const int ClusterNumbers = 250;

    /// <summary>Where every test process of this machine claims its cluster numbers.</summary>
    private static readonly string ClaimFolder = Path.Combine(Path.GetTempPath(), "raftcache-test-clusters");

    private static int _nextCluster;
    private readonly FileStream _claim;
    private readonly string _root;
    private readonly string _net;
    private readonly IReadOnlyList<string> _extraArgs;
    private readonly List<NodeProcess> _nodes;

    private TestCluster(int size, IReadOnlyList<string> fixedArgs, Func<IReadOnlyList<string>, ClusterSetup>? setup)
    {
        (var cluster, _claim) = ClaimClusterNumber(Interlocked.Increment(ref _nextCluster) + (Environment.ProcessId % 50) * 4, ClaimFolder);
        _root = Directory.CreateTempSubdirectory("raftcache-nodes-").FullName;
        _net = $"{Net}.{cluster}";
        var ips = Enumerable.Range(1, size).Select(i => $"{_net}.{i}").ToArray();
        var initial = string.Join(',', ips.Select((ip, i) => $"{i + 1}={ip}:6001"));
        var chosen = setup?.Invoke(ips) ?? new ClusterSetup([]);
        string[] extraArgs = [.. fixedArgs, .. chosen.Args];
        var noAuth = extraArgs.Contains("--no-auth");
        if (!noAuth) extraArgs = [.. extraArgs, "--api-key", $"test-admin:admin:{AdminKey}"];
        _extraArgs = extraArgs;
        _nodes = ips.Select((ip, i) => new NodeProcess(i + 1, ip, Path.Combine(_root, $"node-{i + 1}"), initial, extraArgs)).ToList();
        Http = chosen.ClientHandler is { } handler ? new HttpClient(handler) : new HttpClient();
        Http.Timeout = TimeSpan.FromSeconds(15);
        if (!noAuth) Http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    /// <summary>
    /// The first cluster number from <paramref name="first"/> on (wrapping) that no live cluster of any test process on
    /// this machine holds, and the claim that holds it until disposed. Test assemblies run side by side with one
    /// RAFTCACHE_TEST_NET (dotnet test on the solution), and each process numbers its clusters from an offset of its own
    /// process id, so two processes can reach the same number while both clusters run: the second cluster's nodes then
    /// cannot bind their addresses. The claim is an exclusive lock on a file named after the net and the number; the
    /// operating system releases it when the holding process ends, however it ends.
    /// </summary>
    internal static (int Number, FileStream Claim) ClaimClusterNumber(int first, string folder)
    {
        Directory.CreateDirectory(folder);
        for (var i = 0; i < ClusterNumbers; i++)
        {
            var number = (first + i) % ClusterNumbers;
            try
            {
                return (number, new FileStream(Path.Combine(folder, $"{Net}.{number}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                // Held by a running cluster of this or another test process: the next number may be free.
            }
        }
        throw new InvalidOperationException($"every cluster number of {Net} is held by a running test cluster");
    }

    /// <summary>The admin API key every test node is started with (random per test run).</summary>
    public static string AdminKey { get; } = "admin-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// First two octets of the node addresses (default 127.1). Two checkouts testing side by side on one machine
    /// set RAFTCACHE_TEST_NET (e.g. 127.2) so their clusters never share an address.
    /// </summary>
    public static string Net { get; } = Environment.GetEnvironmentVariable("RAFTCACHE_TEST_NET") is { Length: > 0 } net ? net : "127.1";

    /// <summary>The peer secret every test node gets (docs/security.md); random per test run.</summary>
    public static string ClusterSecret { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));


    /// <summary>Every node started for this cluster, founders first, in id order; address one by id with <see cref="Node"/>.</summary>
    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>The node with id <paramref name="id"/> (founders are 1..size, joiners follow), whatever the order of <see cref="Nodes"/>.</summary>
    public NodeProcess Node(int id) =>
        _nodes.SingleOrDefault(n => n.Id == id) ?? throw new ArgumentOutOfRangeException(nameof(id), $"no node {id} in this cluster (ids {string.Join(", ", _nodes.Select(n => n.Id))})");

    /// <summary>Starts an empty node with --join (the next free id and its address); it waits until a member adds it.</summary>
    public NodeProcess StartJoiner(params string[] moreArgs)
    {
        var node = NewJoiner();
        node.Start(moreArgs);
        return node;
    }

    /// <summary>
    /// An empty node with --join (the next free id and its address), not started yet (to set its environment first). It
    /// joins through the lowest-id running node, so a test that stopped node 1 can still grow the cluster.
    /// </summary>
    public NodeProcess NewJoiner()
    {
        var id = _nodes.Max(n => n.Id) + 1;
        var via = _nodes.Where(n => n.IsRunning).MinBy(n => n.Id) ?? throw new InvalidOperationException("no running node to join through");
        var node = new NodeProcess(id, $"{_net}.{id}", Path.Combine(_root, $"node-{id}"), "", _extraArgs, join: via.Url);
        _nodes.Add(node);
        return node;
    }

    public HttpClient Http { get; }

    public static readonly string[] FastTiming = ["--tick-ms", "25", "--election-ticks", "10", "--shards", "4"];

    public static Task<TestCluster> StartAsync(int size = 3, params string[] extraArgs) => StartWithAsync(size, _ => new ClusterSetup(extraArgs));

    /// <summary>A cluster whose options depend on the nodes' addresses (e.g. a TLS certificate naming them).</summary>
    public static async Task<TestCluster> StartWithAsync(int size, Func<IReadOnlyList<string>, ClusterSetup> setup)
    {
        var cluster = new TestCluster(size, FastTiming, setup);
        try
        {
            foreach (var node in cluster.Nodes) node.Start();
            await cluster.WaitReadyAsync(cluster.Nodes);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync(); // the caller never gets it, so its processes would outlive the test
            throw;
        }
    }

    /// <summary>Polls /health/ready on each node until all answer 200, or fails with the nodes' logs.</summary>
    public async Task WaitReadyAsync(IEnumerable<NodeProcess> nodes, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        foreach (var node in nodes)
        {
            while (true)
            {
                if (!node.IsRunning) throw new InvalidOperationException($"node {node.Id} exited:\n{node.Log}");
                try
                {
                    using var response = await Http.GetAsync(new Uri(node.Url, "/health/ready"));
                    if (response.StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException)
                {
                }
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"node {node.Id} not ready:\n{node.Log}");
                await Task.Delay(50);
            }
        }
    }

    public async Task<JsonElement> ClusterViewAsync(NodeProcess node) =>
        await Http.GetFromJsonAsync<JsonElement>(new Uri(node.Url, "/admin/cluster"));

    /// <summary>
    /// The node leading <paramref name="shard"/>, as the given (live) node sees it; polled (bounded, 30 s) while the
    /// shard has no leader, which a ready cluster may still show for a moment (an election or a hand-over in progress).
    /// </summary>
    public async Task<NodeProcess> LeaderOfAsync(int shard, NodeProcess? asking = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var view = await ClusterViewAsync(asking ?? Nodes.First(n => n.IsRunning));
            var leader = view.GetProperty("shards").EnumerateArray().First(s => s.GetProperty("id").GetInt32() == shard).GetProperty("leader").GetUInt64();
            if (Nodes.FirstOrDefault(n => (ulong)n.Id == leader) is { } node) return node;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"shard {shard} has no leader known to this cluster after 30 s (reported {leader})");
            await Task.Delay(100);
        }
    }

    /// <summary>This node's own replica of every shard, as /admin/cluster reports it.</summary>
    public async Task<IReadOnlyList<JsonElement>> OwnReplicasAsync(NodeProcess node)
    {
        var view = await ClusterViewAsync(node);
        return view.GetProperty("shards").EnumerateArray()
            .Select(s => s.GetProperty("replicas").EnumerateArray().First(r => r.GetProperty("id").GetInt32() == node.Id))
            .ToArray();
    }

    /// <summary>Polls <paramref name="condition"/> (bounded) until it holds.</summary>
    public async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string>? explain = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time" + (explain is null ? "" : ": " + explain()));
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until every running node reports the same applied index and state hash for every shard.</summary>
    public async Task WaitConvergedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var views = new List<Dictionary<int, (ulong Applied, string Hash)>>();
            foreach (var node in Nodes.Where(n => n.IsRunning))
            {
                var view = await ClusterViewAsync(node);
                views.Add(view.GetProperty("shards").EnumerateArray().ToDictionary(
                    s => s.GetProperty("id").GetInt32(),
                    s => (s.GetProperty("replicas").EnumerateArray().First(r => r.GetProperty("id").GetInt32() == node.Id).GetProperty("applied_index").GetUInt64(),
                          s.GetProperty("state_hash").GetString() ?? "")));
            }
            last = string.Join(" | ", views.Select(v => string.Join(",", v.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value.Applied}/{p.Value.Hash[..Math.Min(8, p.Value.Hash.Length)]}"))));
            if (views.Skip(1).All(v => v.All(p => views[0][p.Key] == p.Value))) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"replicas did not converge: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) node.Dispose();
        Http.Dispose();
        await _claim.DisposeAsync(); // only now that its nodes are gone may another cluster take the addresses
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        await Task.CompletedTask;
    }
}

/// <summary>Extra node options and, when the nodes speak TLS, the handler the test client trusts them with.</summary>
public sealed record ClusterSetup(string[] Args, HttpMessageHandler? ClientHandler = null);
