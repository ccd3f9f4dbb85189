// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Text;
using RaftCache.Node.Kubernetes;
using RaftCache.Node.Membership;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Membership;

/// <summary>
/// The Kubernetes scale-down rule on real processes, against a stand-in API server on loopback that answers the
/// StatefulSet's spec.replicas: a pod whose ordinal is not below it drains itself on SIGTERM and is removed; a
/// pod below it (a restart) stops and stays a member.
/// </summary>
public sealed class ScaleDownDrainTests
{
    private const string ServiceAccountToken = "test-service-account-token";

    [Theory]
    [InlineData("raftcache-7", 7)]
    [InlineData("cache-a-12", 12)]
    [InlineData("raftcache", null)]
    [InlineData("raftcache-x", null)]
    public void The_ordinal_is_the_number_the_pod_name_ends_in(string pod, int? ordinal) =>
        Assert.Equal(ordinal, ScaleDownDrain.OrdinalOf(pod));

    [Fact]
    public async Task A_pod_scaled_away_drains_itself_on_SIGTERM_and_a_pod_that_stays_does_not()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        using var api = new StandInApiServer($"http://{cluster.Nodes[0].Ip[..cluster.Nodes[0].Ip.LastIndexOf('.')]}.200:18443/", replicas: 3);
        var accountDir = Directory.CreateTempSubdirectory("raftcache-sa-").FullName;
        await File.WriteAllTextAsync(Path.Combine(accountDir, "token"), ServiceAccountToken);
        await File.WriteAllTextAsync(Path.Combine(accountDir, "namespace"), "cache");
        var token = JoinToken.Mint(TestCluster.ClusterSecret, TimeSpan.FromMinutes(10), 2, TimeProvider.System);

        NodeProcess Pod(string name)
        {
            var pod = cluster.NewJoiner();
            pod.Environment["HOSTNAME"] = name;
            pod.Environment["RaftCache__KubernetesApiUrl"] = api.Url;
            pod.Environment["RaftCache__KubernetesServiceAccountDir"] = accountDir;
            // As in deploy/kubernetes: a removed pod stays up rather than exiting into a restart loop.
            pod.Start("--join-token", token, "--k8s-statefulset", "raftcache", "--drain-timeout-seconds", "150", "--stay-up-when-removed");
            return pod;
        }

        var leaving = Pod("raftcache-3");
        var staying = Pod("raftcache-1");
        await cluster.WaitReadyAsync([leaving, staying], TimeSpan.FromSeconds(120));
        var leavingId = (await cluster.ClusterViewAsync(leaving)).GetProperty("node_id").GetUInt64();
        var stayingId = (await cluster.ClusterViewAsync(staying)).GetProperty("node_id").GetUInt64();

        SigTerm(leaving);
        Assert.Equal(ExitCodes.Stopped, await leaving.WaitForExitAsync(TimeSpan.FromSeconds(180)));
        Assert.Contains("was scaled away (replicas 3): draining member", leaving.Log);
        // The drain committed before the pod exited; node 1 may apply that metadata entry a moment later.
        await cluster.WaitAsync(async () => (await cluster.ClusterViewAsync(cluster.Nodes[0])).GetProperty("removed_members").EnumerateArray()
            .Any(r => r.GetUInt64() == leavingId), TimeSpan.FromSeconds(30), () => $"node 1 never listed member {leavingId} as removed");
        Assert.Contains("Bearer " + ServiceAccountToken, api.Authorizations);

        SigTerm(staying);
        Assert.Equal(ExitCodes.Stopped, await staying.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("stays in the StatefulSet (replicas 3)", staying.Log);
        var view = await cluster.ClusterViewAsync(cluster.Nodes[0]);
        Assert.Contains(stayingId, view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetUInt64()));
    }

    private static void SigTerm(NodeProcess node)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", node.ProcessId.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit(10_000);
    }

    /// <summary>Answers GET /apis/apps/v1/namespaces/cache/statefulsets/raftcache with spec.replicas; records the Authorization headers.</summary>
    private sealed class StandInApiServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public StandInApiServer(string prefix, int replicas)
        {
            Url = prefix;
            _listener.Prefixes.Add(prefix);
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                    lock (Authorizations) Authorizations.Add(context.Request.Headers["Authorization"] ?? "");
                    var found = context.Request.Url!.AbsolutePath == "/apis/apps/v1/namespaces/cache/statefulsets/raftcache";
                    context.Response.StatusCode = found ? 200 : 404;
                    var body = Encoding.UTF8.GetBytes(found ? $"{{\"kind\":\"StatefulSet\",\"spec\":{{\"replicas\":{replicas}}}}}" : "{}");
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public List<string> Authorizations { get; } = [];

        public void Dispose()
        {
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
