// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using RaftCache.Node.Api;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;

namespace RaftCache.Node;

/// <summary>Composes one node process: configuration, the node, the REST API, OpenAPI and Swagger UI.</summary>
public static class NodeProgram
{
    /// <summary>The HTTP client a node uses to call itself (admin fan-out).</summary>
    public const string SelfClient = "self";

    /// <summary>Command-line options and the configuration keys they set (RAFTCACHE__… environment variables set the same keys).</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--id"] = "RaftCache:Id",
        ["--listen"] = "RaftCache:Listen",
        ["--peer-listen"] = "RaftCache:PeerListen",
        ["--data-dir"] = "RaftCache:DataDir",
        ["--initial-cluster"] = "RaftCache:InitialCluster",
        ["--join"] = "RaftCache:Join",
        ["--shards"] = "RaftCache:Shards",
        ["--replication-factor"] = "RaftCache:ReplicationFactor",
        ["--tick-ms"] = "RaftCache:TickMs",
        ["--election-ticks"] = "RaftCache:ElectionTicks",
        ["--default-ttl-seconds"] = "RaftCache:DefaultTtlSeconds",
        ["--max-value-bytes"] = "RaftCache:MaxValueBytes",
        ["--snapshot-entries"] = "RaftCache:SnapshotEntries",
        ["--request-timeout-ms"] = "RaftCache:RequestTimeoutMs",
        ["--cluster-secret"] = "RaftCache:ClusterSecret",
        ["--cluster-secret-file"] = "RaftCache:ClusterSecretFile",
        ["--insecure-peers"] = "RaftCache:InsecurePeers",
        ["--encryption-key-file"] = "RaftCache:EncryptionKeyFile",
    };

    /// <summary>Switches that may stand alone (meaning "true"); they also accept an explicit true/false value.</summary>
    private static readonly HashSet<string> Flags = ["--insecure-peers"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        args = ExpandFlags(args);
        var unknown = args.Where((a, i) => i % 2 == 0 && !Switches.ContainsKey(a)).ToArray();
        if (unknown.Length > 0 || args.Length % 2 != 0)
        {
            Console.Error.WriteLine(unknown.Length > 0 ? $"raftcache: unknown option {unknown[0]}" : "raftcache: every option needs a value");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(args, Switches.ToDictionary());
        var options = builder.Configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();
        var validation = new NodeOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            foreach (var failure in validation.Failures) Console.Error.WriteLine($"raftcache: {failure}");
            return 2;
        }

        if (options.InsecurePeers) Console.Error.WriteLine($"raftcache: WARNING: {PeerSecret.InsecureWarning}");

        builder.WebHost.UseUrls(options.Listen);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxValueBytes + PutRequestReader.EnvelopeSlackBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.MaxConcurrentConnections = 10_000;
        });
        ConfigureServices(builder.Services, options);

        var app = builder.Build();
        var metrics = app.Services.GetRequiredService<RequestMetrics>();
        app.Use((context, next) => metrics.InvokeAsync(context, next));
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapKeys();
        app.MapHealth();
        app.MapAdmin();
        app.MapMetrics();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/openapi/v1.json", "RaftCache v1");
            ui.RoutePrefix = "swagger";
        });
        await app.RunAsync();
        return 0;
    }

    // "--insecure-peers" alone becomes "--insecure-peers true", so every switch is a pair again.
    private static string[] ExpandFlags(string[] args)
    {
        var expanded = new List<string>(args.Length + 1);
        for (var i = 0; i < args.Length; i++)
        {
            expanded.Add(args[i]);
            if (Flags.Contains(args[i]) && (i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))) expanded.Add("true");
        }
        return [.. expanded];
    }

    private static void ConfigureServices(IServiceCollection services, NodeOptions options)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CacheNode>(sp => new CacheNode(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ICacheCluster>(sp => sp.GetRequiredService<CacheNode>());
        services.AddHostedService<NodeService>();
        services.AddSingleton(sp => new LeaderForwarder(new HttpClient(BoundHandler(options.PeerListen), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // the dispatcher's request timeout bounds every forward
        }));
        services.AddSingleton<RequestDispatcher>();
        services.AddSingleton<RequestMetrics>();
        services.AddHttpClient(SelfClient).ConfigurePrimaryHttpMessageHandler(() => BoundHandler(options.PeerListen));
        services.AddProblemDetails();
        services.AddOpenApi(o =>
        {
            o.AddOperationTransformer<EndpointDocTransformer>();
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "RaftCache";
                document.Info.Description = "A distributed in-memory key-value cache whose every write is replicated through Raft. Any node answers any request.";
                return Task.CompletedTask;
            });
        });
    }

    /// <summary>
    /// Outgoing HTTP connections leave from this node's own address: on a shared loopback network (one
    /// 127.0.0.x per node) peers and partition rules then see which node is calling.
    /// </summary>
    private static SocketsHttpHandler BoundHandler(string peerListen)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        if (Transport.TcpPeerTransport.ParseEndPoint(peerListen) is IPEndPoint { Address: var own } && !own.Equals(IPAddress.Any))
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(own.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(own, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return handler;
    }

    public const string Usage = """
        usage: raftcache dev [--nodes 3] [--data-dir DIR] [--fresh]      start a local cluster of node processes
               raftcache --id N --listen URL --peer-listen HOST:PORT --data-dir DIR (--initial-cluster ID=HOST:PORT,... | --join URL)
        options (also RAFTCACHE__<Key> environment variables and appsettings.json section "RaftCache"):
          --id N                    this node's id (positive, never reused)
          --listen URL              REST endpoint, e.g. http://127.0.0.1:5001
          --peer-listen HOST:PORT   Raft peer endpoint, e.g. 127.0.0.1:6001
          --data-dir DIR            write-ahead log and snapshots
          --initial-cluster LIST    founding members, e.g. 1=127.0.0.1:6001,2=127.0.0.1:6002,3=127.0.0.1:6003
          --shards N                shards at bootstrap (default 16)
          --replication-factor N    replicas per shard (default 3)
          --cluster-secret S        secret every member proves it knows (>= 16 bytes); or:
          --cluster-secret-file F   file holding it (preferred: not visible in the process list)
          --insecure-peers          UNSAFE: no peer authentication (local experiments only)
          --encryption-key-file F   encrypt the WAL and snapshots at rest (AES-256-GCM key file; rotation: id:key lines)
          --tick-ms N, --election-ticks N, --default-ttl-seconds N, --max-value-bytes N, --snapshot-entries N,
          --request-timeout-ms N
        """;
}
