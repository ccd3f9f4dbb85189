// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Options;
using RaftCache.Node.Requests;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;
using RaftCache.Node.Security;
using RaftCache.Resp;

namespace RaftCache.Node.Resp;

/// <summary>Wires the RESP listener into the node when <c>--resp-listen</c> is given (docs/resp.md).</summary>
public static class RespSetup
{
    /// <summary>
    /// The RESP options from the node's, or null when RESP is off. <c>--resp-listen :PORT</c> takes the host of
    /// <c>--listen</c>, so a node serves both protocols on one address.
    /// </summary>
    public static RespOptions? OptionsOf(NodeOptions options, SecurityOptions security, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(options.RespListen)) return null;
        var text = options.RespListen.Trim();
        if (text.StartsWith(':')) text = new Uri(options.Listen).Host + text;
        var endPoint = Transport.TcpPeerTransport.ParseEndPoint(text) as IPEndPoint;
        if (endPoint is null)
        {
            error = $"RespListen: '{options.RespListen}' is not HOST:PORT or :PORT with an IP address host";
            return null;
        }

        if (!Enum.TryParse<RespConsistency>(options.RespReadConsistency, ignoreCase: true, out var consistency))
        {
            error = $"RespReadConsistency: '{options.RespReadConsistency}' must be linearizable, lease or local";
            return null;
        }

        return new RespOptions
        {
            EndPoint = endPoint,
            Certificate = security.TlsCertificate is null ? null : new ReloadingCertificate(security, TimeProvider.System) is var reloading ? () => reloading.Current : null,
            ClusterMode = options.RespCluster,
            ReadConsistency = consistency,
            MaxValueBytes = options.MaxValueBytes,
            Limits = new RespLimits
            {
                // Room above the value limit, so a value slightly too large gets a clear error and the connection stays.
                MaxBulkBytes = (2 * options.MaxValueBytes) + (64 * 1024),
                MaxClients = options.MaxConnections,
                MaxCommandBytes = Math.Max(16L << 20, 4L * options.MaxValueBytes),
            },
        };
    }

    public static void AddRaftCacheResp(this IServiceCollection services, RespOptions resp, NodeOptions options)
    {
        var listen = new Uri(options.Listen);
        var self = new Uri($"{listen.Scheme}://{(listen.Host is "0.0.0.0" or "[::]" or "+" or "*" ? "127.0.0.1" : listen.Host)}:{listen.Port}");
        services.AddSingleton(resp);
        services.AddSingleton(sp => new RespForwarder(sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<CacheNode>(), resp, self));
        services.AddSingleton<IRespBackend>(sp => new NodeRespBackend(
            sp.GetRequiredService<ICacheCluster>(), sp.GetRequiredService<CacheNode>(), sp.GetRequiredService<RespForwarder>(),
            sp.GetRequiredService<ApiKeyStore>(), sp.GetRequiredService<AuthFailureLimiter>(), sp.GetRequiredService<SecurityOptions>(),
            sp.GetRequiredService<IOptions<NodeOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Observability.RequestMetrics>()));
        services.AddHostedService<RespServer>();
    }
}
