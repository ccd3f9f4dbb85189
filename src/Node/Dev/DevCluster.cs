// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Runtime.InteropServices;

namespace RaftCache.Node.Dev;

/// <summary>
/// <c>raftcache dev</c>: a local cluster of node processes on loopback (REST on 127.0.0.1:5001…, peers on
/// 127.0.0.1:6001…) and a gateway in front of them on 127.0.0.1:5000, data under one folder, each process's log in a
/// file beside its data. Waits until every node is ready, prints the gateway first, the endpoints, the Swagger URL
/// and the command line that starts a further node joining the cluster. When a process exits the others keep
/// serving: dev says which one died and starts it again on Enter (or prints the command that does). On Ctrl-C it
/// stops every process gracefully (each node hands its leaderships over first), killing only one that does not stop
/// in time. Like etcd's Procfile. The secrets (admin API key, token signing key, cluster secret) are kept in the data
/// folder (<see cref="DevCredentials"/>; <c>--fresh</c> makes new ones) and handed to the nodes through their
/// environment, never their command line. <c>--no-auth</c> runs without authentication, on loopback only, loudly.
/// </summary>
public static partial class DevCluster
{
    public const int MaxNodes = DevSettings.MaxNodes;
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!DevSettings.TryParse(args, out var settings, out var error))
        {
            Console.Error.WriteLine($"raftcache dev: {error}");
            Console.Error.WriteLine(NodeProgram.Usage);
            return 2;
        }
        settings = settings with { DataDir = Path.GetFullPath(settings.DataDir) };
        if (settings.Fresh && Directory.Exists(settings.DataDir)) Directory.Delete(settings.DataDir, recursive: true);
        Directory.CreateDirectory(settings.DataDir);
        var credentials = DevCredentials.LoadOrCreate(settings.DataDir);
        var environmentFile = credentials.WriteEnvironmentFile(settings.NoAuth);

        var children = new List<DevChild>();
        using var stopping = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopping.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopping.Cancel(); });
        try
        {
            for (var id = 1; id <= settings.Nodes; id++) children.Add(NodeChild(settings, credentials, environmentFile, id));
            Console.WriteLine($"raftcache dev: starting {settings.Nodes} nodes and a gateway, data in {settings.DataDir}");
            if (!await WaitReadyAsync(children, stopping.Token))
            {
                Console.Error.WriteLine("raftcache dev: the cluster did not become ready; see the node logs above");
                return 1;
            }
            // The gateway starts once the nodes are ready, so its first discovery round already finds them all.
            children.Insert(0, GatewayChild(settings, credentials, environmentFile));
            if (!await WaitReadyAsync(children.Take(1).ToList(), stopping.Token))
            {
                Console.Error.WriteLine($"raftcache dev: the gateway did not start; see {settings.LogPath(0)}");
                return 1;
            }
            PrintEndpoints(settings, credentials, children, environmentFile);
            await SuperviseAsync(children, stopping.Token);
            Console.WriteLine("raftcache dev: stopping (each node hands its leaderships over first)...");
            return 0;
        }
        finally
        {
            await StopAllAsync(children);
        }
    }

    private static DevChild NodeChild(DevSettings settings, DevCredentials credentials, string environmentFile, int id)
    {
        var initial = string.Join(',', Enumerable.Range(1, settings.Nodes).Select(i => $"{i}={settings.PeerAddress(i)}"));
        string[] args =
        [
            "--id", id.ToString(CultureInfo.InvariantCulture), "--listen", settings.RestUrl(id), "--peer-listen", settings.PeerAddress(id),
            "--resp-listen", settings.RespAddress(id), "--data-dir", Path.Combine(settings.DataDir, $"node-{id}"), "--initial-cluster", initial,
            .. settings.NoAuth ? ["--no-auth"] : Array.Empty<string>(),
        ];
        return new DevChild(id, $"node {id}", new Uri(settings.RestUrl(id) + "/health/ready"), settings.LogPath(id),
            () => Start($"node {id}", args, settings.LogPath(id), env => credentials.ApplyTo(env, settings.NoAuth)),
            CommandLine(environmentFile, args));
    }

    private static DevChild GatewayChild(DevSettings settings, DevCredentials credentials, string environmentFile)
    {
        string[] args =
        [
            "gateway", "--listen", settings.GatewayUrl,
            "--seeds", string.Join(',', Enumerable.Range(1, settings.Nodes).Select(settings.RestUrl)),
        ];
        return new DevChild(0, "gateway", new Uri(settings.GatewayUrl + "/gateway/members"), settings.LogPath(0),
            () => Start("gateway", args, settings.LogPath(0), env =>
            {
                if (!settings.NoAuth) env[Gateway.GatewayOptions.DiscoveryKeyVariable] = credentials.AdminKey;
            }),
            CommandLine(environmentFile, args));
    }

    // SIGTERM, so the node runs its graceful stop (Process.Kill would be SIGKILL).
    private static void Terminate(int pid) => _ = SendSignal(pid, 15);

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
