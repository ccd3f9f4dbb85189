// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;
using RaftCache.Node.Requests;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>Serves a request here and returns the client's answer, or <see cref="RouteAgain.Here"/>: "not here after all".</summary>
public delegate Task<IResult> LocalHandler(ClientSession? session, byte[]? body, CancellationToken cancellationToken);

/// <summary>
/// A local handler's answer when this node stopped being the right replica before it could serve the request
/// (leadership moved, the replica was not confirmed): the dispatcher routes the request again with the same session.
/// It never reaches a client.
/// </summary>
public sealed class RouteAgain : IResult
{
    public static readonly RouteAgain Here = new();

    private RouteAgain()
    {
    }

    public Task ExecuteAsync(HttpContext httpContext) =>
        throw new InvalidOperationException("RouteAgain is the dispatcher's signal, never an answer to a client.");
}

/// <summary>
/// Routes one request until it is answered or the request timeout runs out: served here when this node is
/// the right replica, forwarded to the shard leader otherwise, and routed again (briefly backing off) while no
/// leader is known or a leader does not answer. Every write carries one session across all its attempts, so
/// however often it is retried or re-forwarded it is applied at most once.
/// </summary>
public sealed class RequestDispatcher(CacheNode cluster, LeaderForwarder forwarder, IOptions<NodeOptions> options)
{
    /// <summary>Pause before routing again when no leader is known or the leader did not answer.</summary>
    public static readonly TimeSpan RetryInterval = CacheNode.RetryInterval;

    public async Task<IResult> DispatchAsync(HttpContext http, int shard, bool isWrite, ReadConsistency consistency, LocalHandler serveLocally, byte[]? boundBody = null)
    {
        var hops = LeaderForwarder.HopsOf(http.Request);
        var session = isWrite && LeaderForwarder.TryParseSession(http.Request.Headers[LeaderForwarder.SessionHeader], out var given) ? given : (ClientSession?)null;
        var ownsSession = isWrite && session is null;
        if (ownsSession) session = cluster.NewSession();
        var mayHaveApplied = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(options.Value.RequestTimeoutMs);
        try
        {
            // Read the body once, up front: a request served here may still be forwarded after all.
            // A body already bound to a parameter is passed in; the stream has been read then.
            var body = boundBody ?? (HttpMethods.IsPut(http.Request.Method) || HttpMethods.IsPost(http.Request.Method)
                ? await PutRequestReader.ReadBodyAsync(http.Request, options.Value.MaxValueBytes + PutRequestReader.EnvelopeSlackBytes, timeout.Token)
                : []);
            if (body is null) return Problems.TooLarge(options.Value.MaxValueBytes);
            var captured = Capture(http.Request, body);
            while (true)
            {
                var route = cluster.RouteOf(shard, isWrite, consistency);
                if (route.Kind == RouteKind.Local)
                {
                    mayHaveApplied |= isWrite;
                    var result = await serveLocally(session, body, timeout.Token);
                    if (result != RouteAgain.Here) return result;
                }
                else if (route.Kind == RouteKind.Forward && hops < LeaderForwarder.MaxHops)
                {
                    mayHaveApplied |= isWrite;
                    Observability.RequestMetrics.MarkForwarded(http, shard);
                    if (await forwarder.TryForwardAsync(captured, route.Leader!, hops + 1, session, timeout.Token) is { } answer) return answer;
                }
                await Task.Delay(RetryInterval, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            return isWrite
                ? Problems.Unavailable(mayHaveApplied
                    ? "No answer from the shard's leader within the request timeout; the write may or may not have been applied."
                    : "No leader for this key's shard within the request timeout; the write was not applied.", mayHaveApplied)
                : Problems.Unavailable("No leader confirmed this read within the request timeout.", mayHaveApplied: false);
        }
        finally
        {
            if (ownsSession && session is { } s) cluster.CompleteSession(s);
        }
    }

    private static ForwardableRequest Capture(HttpRequest request, byte[] body)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        return new ForwardableRequest(
            request.Method,
            request.Path.ToUriComponent() + request.QueryString.ToUriComponent(),
            request.ContentType,
            body.Length > 0 || HttpMethods.IsPut(request.Method) ? body : null,
            ifMatch.Length > 0 ? ifMatch : null,
            ifNoneMatch.Length > 0 ? ifNoneMatch : null)
        {
            Credentials = LeaderForwarder.CredentialsOf(request),
        };
    }
}
