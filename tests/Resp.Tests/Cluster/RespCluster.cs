// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Tests.Cluster;
using StackExchange.Redis;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>
/// A real 3-node cluster serving RESP on port <see cref="Port"/> of each node's loopback address, with a reader and
/// a writer key beside the admin key. Proxy mode unless the subclass asks for cluster mode.
/// </summary>
public class RespCluster : IAsyncLifetime
{
    public const int Port = 6379;
    public const string ReaderKey = "reader-key-0123456789";
    public const string WriterKey = "writer-key-0123456789";

    protected virtual string[] ExtraArgs => [];

    /// <summary>How long a node tries to serve one request before it answers TRYAGAIN.</summary>
    protected virtual int RequestTimeoutMs => 4000;

    public TestCluster Cluster { get; private set; } = null!;

    public string AdminKey => TestCluster.AdminKey;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(3,
    [
        "--resp-listen", $":{Port}", "--max-value-bytes", "65536", "--request-timeout-ms", RequestTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--api-key", $"reader1:reader:{ReaderKey}", "--api-key", $"writer1:writer:{WriterKey}",
        // Wrong-key tests of one class must not lock the others out; the limit itself has a test of its own.
        "--auth-failure-limit", "1000", .. ExtraArgs,
    ]);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    public static string EndpointOf(NodeProcess node) => $"{node.Ip}:{Port}";

    /// <summary>
    /// A StackExchange.Redis client of node <paramref name="node"/> (its id; standalone, as proxy mode presents itself);
    /// the client gives up on a command <paramref name="timeout"/> (default 10 s) after sending it.
    /// </summary>
    public Task<ConnectionMultiplexer> ConnectAsync(int node = 1, string? password = null, string? user = null, RedisProtocol protocol = RedisProtocol.Resp2, TimeSpan? timeout = null)
    {
        var commandTimeoutMs = (int)(timeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds;
        var options = new ConfigurationOptions
        {
            EndPoints = { EndpointOf(Cluster.Node(node)) },
            Password = password ?? AdminKey,
            User = user,
            Protocol = protocol,
            AbortOnConnectFail = true,
            AllowAdmin = true,
            ConnectTimeout = 10_000,
            SyncTimeout = commandTimeoutMs,
            AsyncTimeout = commandTimeoutMs,
        };
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}

/// <summary>The same cluster in cluster mode (<c>--resp-cluster</c>).</summary>
public sealed class RespClusterMode : RespCluster
{
    protected override string[] ExtraArgs => ["--resp-cluster"];
}

/// <summary>
/// The same cluster with a request timeout of 30 s, for a client that pipelines thousands of writes at once: on a loaded
/// machine the last of them can wait longer than 4 s for their commit and would then be answered TRYAGAIN.
/// </summary>
public sealed class PatientRespCluster : RespCluster
{
    protected override int RequestTimeoutMs => 30_000;
}
