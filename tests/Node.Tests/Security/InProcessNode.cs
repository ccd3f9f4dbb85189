// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Security;

/// <summary>
/// A whole one-node cluster composed exactly as the node program composes it (<see cref="NodeProgram.CreateBuilder"/>,
/// <see cref="NodeProgram.Compose"/>) but served by TestServer: REST calls go through the real middleware and
/// endpoints without sockets. The node's Raft peer port still binds its own loopback address (one per instance).
/// </summary>
public sealed class InProcessNode : IAsyncDisposable
{
    public const string AdminKey = "admin-key-0123456789abcdef";
    public const string WriterKey = "writer-key-0123456789abcdef";
    public const string ReaderKey = "reader-key-0123456789abcdef";

    private static int _next;
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private InProcessNode(WebApplication app, string dataDir)
    {
        _app = app;
        _dataDir = dataDir;
        Client = app.GetTestClient();
    }

    /// <summary>A client that sends no credentials; tests add their own headers per request.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static string[] StandardKeys => ["--api-key", $"admin:{AdminKey}", "--api-key", $"w:writer:{WriterKey}", "--api-key", $"r:reader:{ReaderKey}"];

    /// <summary>Starts a node with the three standard keys (unless <paramref name="args"/> say otherwise) and waits until it is ready.</summary>
    public static async Task<InProcessNode> StartAsync(params string[] args)
    {
        var ip = $"{TestCluster.Net}.251.{Interlocked.Increment(ref _next) % 250 + 1}";
        var dataDir = Directory.CreateTempSubdirectory("raftcache-inproc-").FullName;
        var security = args.Contains("--no-auth") || args.Contains("--api-key") ? args : [.. StandardKeys, .. args];
        string[] all =
        [
            "--id", "1", "--listen", $"http://{ip}:5001", "--peer-listen", $"{ip}:6001", "--data-dir", dataDir,
            "--initial-cluster", $"1={ip}:6001", "--replication-factor", "1", "--shards", "2", "--tick-ms", "25",
            "--cluster-secret", TestCluster.ClusterSecret, .. security,
        ];
        var errors = new StringWriter();
        var builder = NodeProgram.CreateBuilder(all, errors) ?? throw new InvalidOperationException("configuration refused: " + errors);
        builder.WebHost.UseTestServer();
        var app = NodeProgram.Compose(builder);
        await app.StartAsync();
        var node = new InProcessNode(app, dataDir);
        await node.WaitReadyAsync();
        return node;
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the in-process node did not become ready");
            await Task.Delay(25);
        }
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? apiKey = null, string? bearer = null, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
