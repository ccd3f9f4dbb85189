// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;
using RaftCache.Node.Security;

namespace RaftCache.Node.Observability;

/// <summary>
/// Wires metrics, the event stream and the dashboard into a node. Metrics: the RaftCache meter plus Kestrel's and
/// HttpClient's own, exported in the Prometheus format at /metrics and, when an OTLP endpoint is configured
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, the OpenTelemetry standard variable), over OTLP too.
/// </summary>
public static class ObservabilitySetup
{
    /// <summary>
    /// Meters exported besides RaftCache's own. Not ASP.NET Core's hosting and routing meters: a meter nobody listens
    /// to costs nothing, and theirs record three instruments on every request (request duration, active requests,
    /// route matches) that <c>raftcache_request_duration_seconds</c> already covers with the same route, method and
    /// status labels; through OpenTelemetry's per-update label look-up they were 2–4 % of a get's CPU
    /// (docs/benchmarks.md section 24).
    /// </summary>
    public static readonly string[] PlatformMeters = ["Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http"];

    public static void AddRaftCacheObservability(this IServiceCollection services, IConfiguration configuration, SecurityOptions security)
    {
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<RequestHistory>();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<EventHub>();
        services.AddSingleton<ClusterWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterWatcher>());
        services.AddSingleton(sp => new NodeGauges(sp.GetRequiredService<NodeMetrics>(), sp.GetRequiredService<CacheNode>(), CertificateExpiry(security)));
        var otlp = OtlpSettings.Read(configuration).Settings ?? throw new InvalidOperationException("OTLP settings were validated at start");
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            // Every scrape is taken fresh: the exporter's default reuses a scrape for 300 ms, so a counter read right
            // after the requests it counts could still show the count from before them.
            metrics.AddMeter(NodeMetrics.MeterName).AddMeter(PlatformMeters).AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            if (otlp.Endpoint is { } endpoint)
            {
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = endpoint;
                    exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = otlp.IntervalMs;
                });
            }
            else if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                metrics.AddOtlpExporter();
            }
        });
    }

    /// <summary>The request middleware, /metrics, /admin/events and the dashboard.</summary>
    public static void UseRaftCacheObservability(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<NodeGauges>(); // observable instruments exist from the start
        var requests = app.Services.GetRequiredService<RequestMetrics>();
        app.Use((context, next) => requests.InvokeAsync(context, next));
    }

    public static void MapRaftCacheObservability(this WebApplication app, SecurityOptions security)
    {
        var metrics = app.MapPrometheusScrapingEndpoint("/metrics");
        if (!security.AllowAnonymousMetrics) metrics.RequireAuthorization(Roles.Policies.Read);
        app.MapEventStream();
        app.MapDashboard();
    }

    private static DateTimeOffset? CertificateExpiry(SecurityOptions security)
    {
        if (security.TlsCertificate is null) return null;
        using var certificate = TlsSetup.LoadServerCertificate(security);
        return certificate.NotAfter.ToUniversalTime();
    }
}
