// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;

namespace RaftCache.Node.Kubernetes;

/// <summary>
/// Scaling a StatefulSet down stops its highest pods with SIGTERM, exactly like a rolling restart does; only the
/// StatefulSet's replica count tells the two apart. So when the host starts stopping (before the REST server
/// and the peer transport stop), a pod asks the API server for its StatefulSet's <c>spec.replicas</c>: a pod
/// whose ordinal (the number its name ends in) is not below it is going away for good and drains itself
/// (<c>DELETE /admin/members/{self}</c>: its replicas move to the others and it is removed), waiting at most
/// <see cref="NodeOptions.DrainTimeoutSeconds"/>; any other pod just stops. A refused drain (fewer members than
/// the replication factor would remain), an unreachable API server or a deleted StatefulSet also just stop the
/// pod, and say so in the log.
/// </summary>
public sealed partial class ScaleDownDrain(CacheNode node, NodeOptions options, string? adminKey, IHttpClientFactory clients, ILogger<ScaleDownDrain> logger)
    : IHostedLifecycleService
{
    private static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(5);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (options.KubernetesStatefulSet is not { } statefulSet || !node.IsMember || node.RemovedReason is not null) return;
        var pod = Environment.GetEnvironmentVariable("HOSTNAME") ?? System.Net.Dns.GetHostName();
        if (OrdinalOf(pod) is not { } ordinal)
        {
            LogNoOrdinal(logger, pod);
            return;
        }
        int? replicas;
        try
        {
            replicas = await ReplicasAsync(statefulSet, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or OperationCanceledException or InvalidOperationException)
        {
            LogApiFailed(logger, statefulSet, e.Message);
            return;
        }
        if (replicas is not { } wanted || ordinal < wanted)
        {
            LogStaying(logger, pod, ordinal, replicas?.ToString(CultureInfo.InvariantCulture) ?? "gone");
            return;
        }
        LogDraining(logger, pod, ordinal, wanted, node.NodeId);
        using var drain = new HttpRequestMessage(HttpMethod.Delete, new Uri(new Uri(options.AdvertisedUrl), $"/admin/members/{node.NodeId}"));
        if (adminKey is not null) drain.Headers.Add("X-Api-Key", adminKey);
        using var answer = await clients.CreateClient(NodeProgram.SelfClient).SendAsync(drain, cancellationToken);
        if (!answer.IsSuccessStatusCode)
        {
            LogDrainRefused(logger, (int)answer.StatusCode, await answer.Content.ReadAsStringAsync(cancellationToken));
            return;
        }
        var finished = await Task.WhenAny(node.Removed, Task.Delay(TimeSpan.FromSeconds(options.DrainTimeoutSeconds), cancellationToken));
        if (finished == node.Removed) LogDrained(logger, node.NodeId);
        else LogDrainTimedOut(logger, options.DrainTimeoutSeconds);
    }

    /// <summary>The ordinal a StatefulSet pod's name ends in (<c>raftcache-7</c> → 7), or null.</summary>
    public static int? OrdinalOf(string podName)
    {
        var dash = podName.LastIndexOf('-');
        return dash >= 0 && int.TryParse(podName.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? ordinal : null;
    }

    /// <summary>The StatefulSet's spec.replicas, or null when it no longer exists (the whole set is being deleted).</summary>
    private async Task<int?> ReplicasAsync(string statefulSet, CancellationToken cancellationToken)
    {
        var dir = options.KubernetesServiceAccountDir;
        var ns = (await File.ReadAllTextAsync(Path.Combine(dir, "namespace"), cancellationToken)).Trim();
        var token = (await File.ReadAllTextAsync(Path.Combine(dir, "token"), cancellationToken)).Trim();
        var api = options.KubernetesApiUrl
            ?? $"https://{Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")}:{Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT") ?? "443"}";
        using var client = new HttpClient(HandlerFor(Path.Combine(dir, "ca.crt")), disposeHandler: true) { Timeout = ApiTimeout };
        using var ask = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(api), $"/apis/apps/v1/namespaces/{Uri.EscapeDataString(ns)}/statefulsets/{Uri.EscapeDataString(statefulSet)}"));
        ask.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await client.SendAsync(ask, cancellationToken);
        if (answer.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        answer.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await answer.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.TryGetProperty("spec", out var spec) && spec.TryGetProperty("replicas", out var replicas) ? replicas.GetInt32() : 1;
    }

    /// <summary>Trusts the cluster's CA (the service account's ca.crt) for the API server, and nothing else.</summary>
    private static SocketsHttpHandler HandlerFor(string caFile)
    {
        var handler = new SocketsHttpHandler();
        if (!File.Exists(caFile)) return handler;
        var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return handler;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 75410, Level = LogLevel.Warning, Message = "Stopping: pod name {Pod} ends in no ordinal, so this node does not drain")]
    private static partial void LogNoOrdinal(ILogger logger, string pod);

    [LoggerMessage(EventId = 75411, Level = LogLevel.Warning, Message = "Stopping without draining: could not read StatefulSet {StatefulSet}: {Problem}")]
    private static partial void LogApiFailed(ILogger logger, string statefulSet, string problem);

    [LoggerMessage(EventId = 75412, Level = LogLevel.Information, Message = "Stopping without draining: pod {Pod} (ordinal {Ordinal}) stays in the StatefulSet (replicas {Replicas})")]
    private static partial void LogStaying(ILogger logger, string pod, int ordinal, string replicas);

    [LoggerMessage(EventId = 75413, Level = LogLevel.Warning, Message = "Pod {Pod} (ordinal {Ordinal}) was scaled away (replicas {Replicas}): draining member {Node} before stopping")]
    private static partial void LogDraining(ILogger logger, string pod, int ordinal, int replicas, ulong node);

    [LoggerMessage(EventId = 75414, Level = LogLevel.Error, Message = "Drain refused ({Status}), stopping without draining: {Body}")]
    private static partial void LogDrainRefused(ILogger logger, int status, string body);

    [LoggerMessage(EventId = 75415, Level = LogLevel.Information, Message = "Member {Node} drained and removed; stopping")]
    private static partial void LogDrained(ILogger logger, ulong node);

    [LoggerMessage(EventId = 75416, Level = LogLevel.Error, Message = "Drain not finished within {Seconds} s; stopping anyway (the drain continues without this node)")]
    private static partial void LogDrainTimedOut(ILogger logger, int seconds);
}
