// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RaftCache.Node.Api;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;

namespace RaftCache.Node.Membership;

/// <summary>
/// On an empty node started with <c>--join</c> and a join token: asks the member at <c>--join</c> to admit it
/// (<c>POST /admin/join-requests</c>) and accepts the answer, so a new pod becomes a member with no operator call.
/// While no member answers (the cluster is starting, a leader is being elected) it asks again, backing off up to
/// 5 s, for at most <see cref="NodeOptions.JoinTimeoutSeconds"/>. A refusal (wrong, expired or spent token, an
/// address taken by another member) is final: <see cref="Failed"/> completes with <see cref="ExitCodes.JoinRefused"/>
/// and the reason, and the process exits with it.
/// </summary>
public sealed partial class JoinRequester(CacheNode node, IOptions<NodeOptions> options, IHttpClientFactory clients, TimeProvider time, ILogger<JoinRequester> logger)
    : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource<(int ExitCode, string Reason)> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes only when the node cannot become a member: the exit code to end with and why.</summary>
    public Task<(int ExitCode, string Reason)> Failed => _failed.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (node.IsMember || DeployOptionsValidator.JoinTokenOf(settings) is not { } token) return;
        var target = new Uri(new Uri(settings.Join!), "/admin/join-requests");
        var request = new JoinRequest(token, settings.AdvertisedUrl, settings.AdvertisedPeer);
        var deadline = time.GetUtcNow().AddSeconds(settings.JoinTimeoutSeconds);
        var backoff = TimeSpan.FromMilliseconds(250);
        var client = clients.CreateClient(MembersEndpoints.JoinClient);
        while (!stoppingToken.IsCancellationRequested && !node.IsMember)
        {
            string problem;
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                attempt.CancelAfter(AttemptTimeout);
                using var answer = await client.PostAsJsonAsync(target, request, attempt.Token);
                if (answer.IsSuccessStatusCode)
                {
                    var offer = await answer.Content.ReadFromJsonAsync<JoinOfferView>(attempt.Token);
                    var (accepted, error) = offer?.Members is null || !Metadata.ClusterRecord.TryParseId(offer.ClusterId, out var cluster)
                        ? (false, "the member's answer was not an admission")
                        : await node.AcceptJoinAsync(new JoinOffer(cluster, offer.NodeId, offer.Members.Select(m => new InitialMember(m.Id, m.PeerAddress)).ToArray()), stoppingToken);
                    if (accepted)
                    {
                        LogAdmitted(logger, node.NodeId, settings.Join!);
                        return;
                    }
                    Fail(error!);
                    return;
                }
                problem = await DetailOf(answer, attempt.Token);
                if (answer.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.Forbidden)
                {
                    Fail($"{settings.Join} refused this node ({(int)answer.StatusCode}): {problem}");
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                problem = e.Message;
            }
            if (time.GetUtcNow() >= deadline)
            {
                _failed.TrySetResult((ExitCodes.Failed, $"no member at {settings.Join} admitted this node within {settings.JoinTimeoutSeconds} s (last answer: {problem})"));
                return;
            }
            LogRetry(logger, settings.Join!, problem, backoff.TotalSeconds);
            await Task.Delay(backoff, time, stoppingToken);
            backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
        }
    }

    private void Fail(string reason)
    {
        LogRefused(logger, reason);
        _failed.TrySetResult((ExitCodes.JoinRefused, reason));
    }

    private static async Task<string> DetailOf(HttpResponseMessage answer, CancellationToken cancellationToken)
    {
        var text = await answer.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(text);
            if (problem.RootElement.TryGetProperty("detail", out var detail)) return detail.GetString() ?? text;
        }
        catch (JsonException)
        {
        }
        return text.Length > 300 ? text[..300] : text;
    }

    [LoggerMessage(EventId = 75400, Level = LogLevel.Information, Message = "Admitted with a join token by {Join}: this node is member {Node}")]
    private static partial void LogAdmitted(ILogger logger, ulong node, string join);

    [LoggerMessage(EventId = 75401, Level = LogLevel.Information, Message = "Asking {Join} to admit this node again in {Seconds} s: {Problem}")]
    private static partial void LogRetry(ILogger logger, string join, string problem, double seconds);

    [LoggerMessage(EventId = 75402, Level = LogLevel.Critical, Message = "Join refused, this node stops: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
