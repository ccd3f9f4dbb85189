// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net.Sockets;
using RaftCache.Node.Api;
using RaftCache.StateMachine;
using Yarp.ReverseProxy.Forwarder;

namespace RaftCache.Node.Gateway;

/// <summary>
/// Sends each request to a live member through YARP's forwarder and, when that member cannot be reached, to the
/// next one: always when the connection was refused (nothing was sent), otherwise only where a second attempt
/// cannot apply a write twice (GET and HEAD, and writes carrying a session id, which the gateway attaches itself).
/// Every request is bounded by the request timeout and <see cref="GatewayOptions.MaxAttempts"/>; when no member
/// answers it gets 503 problem details.
/// </summary>
public sealed partial class GatewayForwarder(IHttpForwarder forwarder, MemberDirectory directory, SessionNumbering sessions, GatewayOptions options, ILogger<GatewayForwarder> logger)
{
    private const string SessionItem = "raftcache.gateway.session";

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = MemberDirectory.ProbeTimeout,
        MaxConnectionsPerServer = options.MaxConnectionsPerMember,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ActivityHeadersPropagator = null,
    });

    private readonly SessionTransformer _transformer = new();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > options.MaxBodyBytes)
        {
            await Problems.Problem(413, "Body too large", "value-too-large", $"The gateway accepts bodies of at most {options.MaxBodyBytes} bytes.").ExecuteAsync(context);
            return;
        }
        // Buffered (memory, then a temporary file) so a retry can send the same body again.
        request.EnableBuffering(bufferThreshold: 64 << 10, bufferLimit: options.MaxBodyBytes);
        ClientSession? session = IsWrite(request) && !request.Headers.ContainsKey(LeaderForwarder.SessionHeader) ? sessions.Open() : null;
        if (session is { } s) context.Items[SessionItem] = LeaderForwarder.FormatSession(s);
        var retryAfterSend = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || IsWrite(request);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(options.RequestTimeoutMs);
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMilliseconds(options.RequestTimeoutMs) };
        var mayHaveApplied = false;
        try
        {
            var attempts = 0;
            foreach (var member in GatewayRouter.Candidates(directory.View, request.Path.Value ?? "/"))
            {
                if (attempts++ == options.MaxAttempts || deadline.IsCancellationRequested) break;
                if (attempts > 1) Reset(context);
                var error = await forwarder.SendAsync(context, member.ToString(), _client, config, _transformer, deadline.Token);
                if (error == ForwarderError.None || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested) return;
                var exception = context.GetForwarderErrorFeature()?.Exception;
                var refused = IsConnectFailure(exception);
                LogAttemptFailed(logger, member, error, refused);
                if (refused)
                {
                    directory.MarkDown(member);
                    continue;
                }
                mayHaveApplied |= !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method);
                if (!retryAfterSend || error is not (ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.ResponseHeaders)) break;
            }
            Reset(context);
            await Problems.Unavailable(
                mayHaveApplied
                    ? "The member serving this request failed before answering; the write may or may not have been applied."
                    : "No member of the cluster could be reached within the gateway's attempts and request timeout.",
                mayHaveApplied).ExecuteAsync(context);
        }
        finally
        {
            if (session is { } open) sessions.Close(open);
        }
    }

    /// <summary>Writes through the key API and the command endpoint: these carry a session, so a repeat applies once.</summary>
    private static bool IsWrite(HttpRequest request) =>
        (HttpMethods.IsPut(request.Method) || HttpMethods.IsDelete(request.Method) || HttpMethods.IsPost(request.Method))
        && (request.Path.StartsWithSegments("/keys") || request.Path.Equals("/cache", StringComparison.Ordinal));

    private static void Reset(HttpContext context)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Clear();
        if (context.Request.Body.CanSeek) context.Request.Body.Position = 0;
    }

    /// <summary>The connection was never established, so the member received nothing of this request.</summary>
    private static bool IsConnectFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }) return true;
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable }) return true;
        }
        return false;
    }

    private sealed class SessionTransformer : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            if (httpContext.Items[SessionItem] is string session) proxyRequest.Headers.TryAddWithoutValidation(LeaderForwarder.SessionHeader, session);
        }
    }

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "gateway: {Member} failed ({Error}; connection refused: {Refused})")]
    private static partial void LogAttemptFailed(ILogger logger, Uri member, ForwarderError error, bool refused);
}
