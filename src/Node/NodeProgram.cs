// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using RaftCache.Node.Api;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;
using RaftCache.Node.Observability;
using RaftCache.Node.Requests;
using RaftCache.Node.Security;

namespace RaftCache.Node;

/// <summary>Composes one node process: configuration, the node, the REST API, OpenAPI and Swagger UI.</summary>
public static class NodeProgram
{
    /// <summary>The HTTP client a node uses to call itself (admin fan-out).</summary>
    public const string SelfClient = "self";

    /// <summary>Command-line options and the configuration keys they set (RAFTCACHE__… environment variables set the same keys).</summary>
    public static IReadOnlyDictionary<string, string> Switches => CommandLine.Switches;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (!CommandLine.TryParse(args, out _, out var error))
        {
            Console.Error.WriteLine($"raftcache: {error}");
            Console.Error.WriteLine(Usage);
            return ExitCodes.BadConfiguration;
        }
        var builder = CreateBuilder(args, Console.Error);
        if (builder is null) return ExitCodes.BadConfiguration;
        await using var app = Compose(builder);
        await app.StartAsync();
        var shutdown = app.WaitForShutdownAsync();
        var node = app.Services.GetRequiredService<CacheNode>();
        var options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        var joinFailed = app.Services.GetServices<IHostedService>().OfType<Membership.JoinRequester>().FirstOrDefault()?.Failed
            ?? new TaskCompletionSource<(int, string)>().Task;
        var first = await Task.WhenAny(shutdown, node.Removed, joinFailed);
        if (first == joinFailed)
        {
            Console.Error.WriteLine($"raftcache: {joinFailed.Result.Reason}");
            await app.StopAsync();
            return joinFailed.Result.ExitCode;
        }
        if (first == node.Removed && !options.StayUpWhenRemoved)
        {
            // The node already logged why (one line); a graceful stop closes its listeners and its log.
            await app.StopAsync();
            return options.RemovedExitCode;
        }
        await shutdown;
        return ExitCodes.Stopped;
    }

    /// <summary>
    /// A web host builder configured from appsettings.json, the environment and <paramref name="args"/>, or null
    /// after writing every configuration error (each naming its setting) to <paramref name="errors"/>. Tests add
    /// their own server (e.g. TestServer) before <see cref="Compose"/>.
    /// </summary>
    public static WebApplicationBuilder? CreateBuilder(string[] args, TextWriter errors)
    {
        if (!CommandLine.TryParse(args, out var settings, out var error))
        {
            errors.WriteLine($"raftcache: {error}");
            return null;
        }
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        var options = builder.Configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();
        var security = builder.Configuration.GetSection(NodeOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        var failures = new List<string>();
        if (new NodeOptionsValidator().Validate(null, options) is { Failed: true, Failures: { } nodeFailures }) failures.AddRange(nodeFailures);
        var (securityFailures, keys) = SecurityOptionsValidator.Validate(security, options);
        failures.AddRange(securityFailures);
        string? respError = null;
        var resp = failures.Count == 0 ? Resp.RespSetup.OptionsOf(options, security, out respError) : null;
        if (respError is not null) failures.Add(respError);
        failures.AddRange(OtlpSettings.Read(builder.Configuration).Errors);
        if (failures.Count > 0)
        {
            foreach (var failure in failures) errors.WriteLine($"raftcache: {failure}");
            return null;
        }

        if (options.InsecurePeers) Console.Error.WriteLine($"raftcache: WARNING: {PeerSecret.InsecureWarning}");

        builder.WebHost.UseUrls(options.Listen);
        var certificate = security.TlsCertificate is null ? null : new ReloadingCertificate(security, TimeProvider.System);
        if (certificate is not null) builder.Services.AddSingleton(certificate);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxValueBytes + PutRequestReader.EnvelopeSlackBytes;
            k.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeaderBytes;
            k.Limits.MaxConcurrentConnections = options.MaxConnections;
            k.Limits.MaxConcurrentUpgradedConnections = options.MaxConnections;
            // Renewed certificate files are presented on the next handshake, without a restart.
            if (certificate is not null) k.ConfigureHttpsDefaults(https => https.ServerCertificateSelector = (_, _) => certificate.Current);
        });
        builder.Services.AddSingleton(new ResolvedApiKeys(keys));
        ConfigureServices(builder.Services, options, security, keys);
        builder.Services.AddRaftCacheObservability(builder.Configuration, security);
        if (resp is not null) Resp.RespSetup.AddRaftCacheResp(builder.Services, resp, options);
        return builder;
    }

    /// <summary>Builds the app from a configured builder: middleware and endpoints.</summary>
    public static WebApplication Compose(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        if (app.Services.GetService<ReloadingCertificate>() is { } certificate) certificate.Logger = app.Services.GetRequiredService<ILogger<ReloadingCertificate>>();
        // Revocations travel through the metadata group: every node applies the same revoked key ids.
        var apiKeys = app.Services.GetRequiredService<ApiKeyStore>();
        app.Services.GetRequiredService<CacheNode>().RecordApplied += record => apiKeys.SetRevoked(record.RevokedKeyIds);
        var security = app.Services.GetRequiredService<SecurityOptions>();
        var keys = app.Services.GetRequiredService<ResolvedApiKeys>().Keys;
        app.UseRaftCacheObservability();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRaftCacheSecurity(security, keys);
        app.MapLogin(authEnabled: !security.NoAuth);
        app.MapKeys();
        app.MapCacheCommands();
        app.MapHealth();
        app.MapAdmin();
        app.MapJoinRequests();
        app.MapRaftCacheObservability(security);
        Resp.RespInternalEndpoints.MapRespInternal(app, app.Services.GetService<RaftCache.Resp.RespOptions>());
        var openApi = app.MapOpenApi("/openapi/{documentName}.json");
        if (!security.AllowAnonymousOpenApi) openApi.RequireAuthorization(Roles.Policies.Read);
        // Only under /swagger: the UI middleware otherwise examines (and allocates for) every request's path.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/swagger"), branch => branch.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/openapi/v1.json", "RaftCache v1");
            ui.RoutePrefix = "swagger";
        }));
        return app;
    }

    /// <summary>The API keys the configuration and the keys file name, resolved once at start.</summary>
    private sealed record ResolvedApiKeys(IReadOnlyList<ApiKeyOption> Keys);

    private static void ConfigureServices(IServiceCollection services, NodeOptions options, SecurityOptions security, IReadOnlyList<ApiKeyOption> keys)
    {
        services.AddRaftCacheSecurity(security, keys);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CacheNode>(sp => new CacheNode(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>())
        {
            Instruments = sp.GetRequiredService<NodeMetrics>().Host,
        });
        services.AddSingleton<ICacheCluster>(sp => sp.GetRequiredService<CacheNode>());
        services.AddHostedService<NodeService>();
        services.AddHostedService<Membership.JoinRequester>();
        services.AddHostedService<Memory.MemoryReclaimer>();
        if (options.KubernetesStatefulSet is not null)
        {
            var adminKey = keys.FirstOrDefault(k => k.Role == Roles.Admin)?.Key;
            services.AddHostedService(sp => new Kubernetes.ScaleDownDrain(sp.GetRequiredService<CacheNode>(), options, adminKey,
                sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<ILogger<Kubernetes.ScaleDownDrain>>()));
            services.Configure<Microsoft.Extensions.Hosting.HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(options.DrainTimeoutSeconds + 30));
        }
        services.AddSingleton(sp => new LeaderForwarder(new HttpClient(BoundHandler(options.PeerListen, security), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // the dispatcher's request timeout bounds every forward
        }));
        services.AddSingleton<RequestDispatcher>();
        services.AddSingleton<KeyRequests>();
        services.AddHttpClient(SelfClient).ConfigurePrimaryHttpMessageHandler(() => BoundHandler(options.PeerListen, security));
        services.AddHttpClient(MembersEndpoints.JoinClient, c => c.Timeout = TimeSpan.FromSeconds(5)).ConfigurePrimaryHttpMessageHandler(() => BoundHandler(options.PeerListen, security));
        services.AddProblemDetails();
        services.AddOpenApi(o =>
        {
            o.AddOperationTransformer<EndpointDocTransformer>();
            o.AddOperationTransformer<OpenApiSecurity.Requirements>();
            o.AddDocumentTransformer((document, _, _) =>
            {
                OpenApiSecurity.AddSchemes(document);
                document.Info.Title = "RaftCache";
                document.Info.Description = "A distributed in-memory key-value cache whose every write is replicated through Raft. Any node answers any request.";
                return Task.CompletedTask;
            });
        });
    }

    /// <summary>
    /// Outgoing HTTP connections leave from this node's own address: on a shared loopback network (one
    /// 127.0.0.x per node) peers and partition rules then see which node is calling. Over https they trust the
    /// configured CAs (<see cref="SecurityOptions.TlsCaFile"/>).
    /// </summary>
    private static SocketsHttpHandler BoundHandler(string peerListen, SecurityOptions security)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        TlsSetup.TrustConfiguredCas(handler, security);
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
        usage: raftcache dev [--nodes 3] [--data-dir DIR] [--fresh] [--no-auth] [--host 127.0.0.1]   a local cluster and its gateway
               raftcache gateway --seeds URL,... [--listen URL] [--discovery-key-file F]   one address for a cluster (gateway --help)
               raftcache --id N --listen URL --peer-listen HOST:PORT --data-dir DIR --initial-cluster ID=HOST:PORT,...
               raftcache [--id N] --listen URL --peer-listen HOST:PORT --data-dir DIR --join MEMBER-URL   (then POST /admin/members on a member)
               raftcache join-token --cluster-secret-file F [--ttl-seconds 86400] [--uses 1]   a token for --join-token-file
        options (also RAFTCACHE__<Key> environment variables and appsettings.json section "RaftCache"):
          --id N                    this node's id (positive, never reused)
          --listen URL              REST endpoint, e.g. http://127.0.0.1:5001
          --peer-listen HOST:PORT   Raft peer endpoint, e.g. 127.0.0.1:6001
          --data-dir DIR            write-ahead log and snapshots
          --initial-cluster LIST    founding members, e.g. 1=127.0.0.1:6001,2=127.0.0.1:6002,3=127.0.0.1:6003
          --join URL                start empty and wait to be added to the cluster of this member
          --join-token-file F       with --join: admit this node itself with a join token (or --join-token T); mint one with `raftcache join-token`
          --peer-advertise HOST:PORT, --advertise-url URL   the addresses others use, when not the listen ones (e.g. DNS names)
          --k8s-statefulset NAME    on SIGTERM, drain first when the StatefulSet was scaled below this pod (--drain-timeout-seconds 300)
          --down-after-seconds N    unreachable this long, a member's replicas are re-created elsewhere (default 30)
          --max-moves N             shards moving replicas at the same time, cluster-wide (default 2)
          --shards N                shards at bootstrap (default 16)
          --replication-factor N    replicas per shard (default 3)
          --cluster-secret S        secret every member proves it knows (>= 16 bytes); or:
          --cluster-secret-file F   file holding it (preferred: not visible in the process list)
          --insecure-peers          UNSAFE: no peer authentication (local experiments only)
          --encryption-key-file F   encrypt the WAL and snapshots at rest (AES-256-GCM key file; rotation: id:key lines)
          --stay-up-when-removed    once removed from the cluster, keep running (not ready, serving no keys) instead of exiting
          --removed-exit-code N     exit code of a removed node (default 3; 0 for restart policies like Docker's on-failure)
          --tick-ms N, --election-ticks N, --default-ttl-seconds N, --max-value-bytes N, --snapshot-entries N,
          --request-timeout-ms N
          --otlp-endpoint URL       also push metrics to this OTLP/HTTP collector (e.g. http://127.0.0.1:4318); --otlp-interval-ms N (10000)
        security (docs/security.md):
          --api-key [NAME:]ROLE:SECRET   an API key (repeatable); ROLE is reader, writer or admin; at least 16 characters
          --api-keys-file FILE      API keys, one [NAME:]ROLE:SECRET per line
          --token-signing-key KEY   HS256 key of POST /login tokens, the same on every node (default: derived from the API keys)
          --token-lifetime-seconds N   token lifetime (default 900)
          --no-auth                 no authentication: only with a loopback --listen, for local development
          --allow-anonymous-metrics true|false (default false), --allow-anonymous-openapi true|false (default true)
          --auth-failure-limit N, --auth-failure-window-seconds N   failed attempts per address per window (10 per 60 s), then 429
          --tls-certificate FILE    PEM or PFX certificate for an https:// --listen (--tls-key FILE, --tls-certificate-password P)
          --tls-ca-file FILE        CAs trusted when forwarding to other nodes over https (default: the system's)
          --max-connections N (10000), --max-request-header-bytes N (32768), --max-keys-per-page N (1000)
        Redis protocol (docs/resp.md):
          --resp-listen HOST:PORT   RESP2/RESP3 endpoint (":PORT" = the host of --listen); off when not given
          --resp-cluster            cluster mode (CLUSTER SLOTS, MOVED) instead of proxy mode
          --resp-read-consistency linearizable|lease|local   reads of RESP connections (default linearizable)
        """;
}
