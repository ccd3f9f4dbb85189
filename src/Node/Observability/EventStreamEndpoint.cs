// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Node.Api;
using RaftCache.Node.Security;

namespace RaftCache.Node.Observability;

/// <summary>
/// GET /admin/events: a server-sent event stream of cluster changes. It opens with a <c>hello</c> event holding
/// the current state, then sends <c>membership</c>, <c>down</c>, <c>up</c>, <c>leader</c> and <c>move</c> events as
/// this node sees them, and a comment line every <see cref="KeepAlive"/> so proxies keep the connection open.
/// </summary>
public static class EventStreamEndpoint
{
    public const string Route = "/admin/events";

    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static RouteHandlerBuilder MapEventStream(this IEndpointRouteBuilder app) =>
        app.MapGet(Route, StreamAsync).RequireAuthorization(Roles.Policies.Read).WithTags("Admin").WithName("ClusterEvents").WithDocs(new EndpointDoc(
            "Stream of cluster changes (server-sent events)",
            "text/event-stream. Opens with event hello (members, leaders, moves now), then membership {member, state, previous, address}, " +
            "down / up {member, …}, leader {shard, leader, previous} and move {shard, status: started|finished, from, to}. " +
            $"At most {EventHub.MaxSubscribers} streams per node (503 beyond); a subscriber more than {EventHub.QueueCapacity} events behind is " +
            "disconnected and should reconnect. Needs the reader, writer or admin role.",
            Errors: new Dictionary<int, string> { [503] = "Too many subscribers on this node; try another node or later." }));

    private static async Task<IResult> StreamAsync(HttpContext http, EventHub hub, ClusterWatcher watcher)
    {
        using var subscription = hub.Subscribe();
        if (subscription is null)
        {
            http.Response.Headers.RetryAfter = "5";
            return Problems.Problem(503, "Too many subscribers", "too-many-subscribers", $"This node serves at most {EventHub.MaxSubscribers} event streams.");
        }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var state = watcher.Current;
        await WriteAsync(http, new ClusterEvent(hub.LastId, "hello", ClusterWatcher.Json(new
        {
            members = state.Members.Select(m => new { member = m.Key, state = m.Value.State, address = m.Value.Address }),
            leaders = state.Leaders.Select(l => new { shard = l.Key, leader = l.Value }),
            moves = state.Moves.Select(m => new { shard = m.Key, from = m.Value.From, to = m.Value.To }),
        })));
        var reader = subscription.Events;
        try
        {
            while (!http.RequestAborted.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
                wait.CancelAfter(KeepAlive);
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", http.RequestAborted);
                    await http.Response.Body.FlushAsync(http.RequestAborted);
                    continue;
                }
                if (!more) break; // dropped for falling behind: the stream ends, the client reconnects
                while (reader.TryRead(out var evt)) await WriteAsync(http, evt);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
        return Results.Empty;
    }

    private static async Task WriteAsync(HttpContext http, ClusterEvent evt)
    {
        var text = new StringBuilder().Append("id: ").Append(evt.Id).Append("\nevent: ").Append(evt.Name).Append("\ndata: ").Append(evt.Data).Append("\n\n").ToString();
        await http.Response.WriteAsync(text, http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }
}
