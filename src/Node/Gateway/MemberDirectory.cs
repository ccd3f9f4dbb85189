// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net.Http.Headers;
using System.Text.Json;
using RaftCache.Node.Security;

namespace RaftCache.Node.Gateway;

/// <summary>
/// The gateway's picture of the cluster, kept fresh over HTTP only: every refresh it asks a member for
/// GET /admin/cluster (members added or removed later are followed without configuration; the shard map names
/// each shard's leader) and checks every member's GET /health/ready. A member a request could not reach is marked
/// down at once, before the next round.
/// </summary>
public sealed partial class MemberDirectory(GatewayOptions options, HttpClient http, ILogger<MemberDirectory> logger) : BackgroundService
{
    /// <summary>One health check or discovery call may take this long; a member slower than that counts as down.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private GatewayView _view = GatewayView.FromSeeds(options.Seeds);

    public GatewayView View => Volatile.Read(ref _view);

    /// <summary>A request found <paramref name="address"/> unreachable: send nothing more there until a health check says otherwise.</summary>
    public void MarkDown(Uri address) => Update(view => view with
    {
        Members = view.Members.Select(m => m.Address == address ? m with { Health = MemberHealth.Down } : m).ToArray(),
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.RefreshMs));
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var view = View;
        var discovered = await DiscoverAsync(view, cancellationToken);
        var members = discovered?.Members ?? view.Members;
        var health = await Task.WhenAll(members.Select(m => ProbeAsync(m.Address, cancellationToken)));
        var next = new GatewayView(
            members.Select((m, i) => m with { Health = health[i] }).ToArray(),
            discovered?.Shards ?? view.Shards,
            discovered is null ? view.DiscoveredAt : DateTimeOffset.UtcNow);
        if (!next.Members.Select(m => m.Address).SequenceEqual(view.Members.Select(m => m.Address)))
            LogMembers(logger, string.Join(", ", next.Members.Select(m => $"{m.Id}={m.Address}")));
        Update(_ => next);
    }

    private void Update(Func<GatewayView, GatewayView> change)
    {
        while (true)
        {
            var current = View;
            if (Interlocked.CompareExchange(ref _view, change(current), current) == current) return;
        }
    }

    /// <summary>The members and shards as the first member that answers reports them; null when none did.</summary>
    private async Task<GatewayView?> DiscoverAsync(GatewayView view, CancellationToken cancellationToken)
    {
        // Ready members first: a member that is itself catching up may report an old picture.
        var candidates = view.Members.OrderBy(m => m.Health == MemberHealth.Ready ? 0 : 1).Select(m => m.Address)
            .Concat(options.Seeds).Distinct();
        foreach (var address in candidates)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ProbeTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "/admin/cluster"));
                // Without a key only a cluster running without authentication answers (then any 401 leaves the view as it was).
                if (options.DiscoveryKey is not null) request.Headers.Add(ApiKeyAuthenticationHandler.Header, options.DiscoveryKey);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using var response = await http.SendAsync(request, timeout.Token);
                if (!response.IsSuccessStatusCode) continue;
                using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), default, timeout.Token);
                if (ClusterViewReader.TryRead(document.RootElement, out var members, out var shards) && members.Count > 0)
                    return new GatewayView(members, shards, DateTimeOffset.UtcNow);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // This member did not answer in time or answered nonsense: ask the next one.
            }
        }
        return null;
    }

    private async Task<MemberHealth> ProbeAsync(Uri address, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            using var response = await http.GetAsync(new Uri(address, "/health/ready"), timeout.Token);
            return response.IsSuccessStatusCode ? MemberHealth.Ready : MemberHealth.Live;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return MemberHealth.Down;
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "gateway: members now {Members}")]
    private static partial void LogMembers(ILogger logger, string members);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "gateway: refreshing the member list failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
