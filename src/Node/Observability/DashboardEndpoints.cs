// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Reflection;
using RaftCache.Node.Api;
using RaftCache.Node.Hosting;
using RaftCache.Node.Security;

namespace RaftCache.Node.Observability;

/// <summary>
/// The web dashboard: its static files (embedded in the node, nothing fetched from elsewhere at run time) at
/// /dashboard, and the two read-only calls it draws from, GET /admin/overview (the cluster with every member's
/// request history) and GET /admin/requests (this node's). The page's files carry no data and are served to
/// anyone; every figure they show comes from calls that need the reader, writer or admin role.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>How long the overview waits for another member's request history before showing it as missing.</summary>
    public static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, string> ContentTypes = new()
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
    };

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", () => Asset("index.html")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/dashboard/{file}", (string file) => Asset(file)).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/admin/requests", (RequestHistory history) => TypedResults.Ok(history.Read()))
            .RequireAuthorization(Roles.Policies.Read).WithTags("Admin").WithName("RequestHistory").WithDocs(new EndpointDoc(
                "This node's request rate and p99 latency over the last minutes",
                $"Buckets of {RequestHistory.BucketSeconds} s over the last {RequestHistory.Window.TotalMinutes:0} minutes, oldest first: start (Unix seconds), rate (requests per second), errors (5xx), p99_seconds (upper bound of the latency class holding the 99th percentile; null without requests)."));
        app.MapGet("/admin/overview", OverviewAsync)
            .RequireAuthorization(Roles.Policies.Read).WithTags("Admin").WithName("Overview").WithDocs(new EndpointDoc(
                "The dashboard's view: the cluster and every member's request history",
                "cluster is GET /admin/cluster without state hashes; requests lists, per member, its request history (GET /admin/requests on it, asked with the caller's credentials), or null when it did not answer in time."));
    }

    private static IResult Asset(string file)
    {
        if (!ContentTypes.TryGetValue(file, out var type)) return Results.NotFound();
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"RaftCache.Node.Observability.Dashboard.{file}");
        if (stream is null) return Results.NotFound();
        return Results.Stream(stream, type);
    }

    private static async Task<IResult> OverviewAsync(HttpContext http, CacheNode node, RequestHistory history, IHttpClientFactory clients)
    {
        var cluster = ClusterView.Of(node, await node.ReplicaStatusAsync(withStateHash: false));
        var client = clients.CreateClient(NodeProgram.SelfClient);
        var requests = await Task.WhenAll(cluster.Members.Select(async member =>
        {
            if (member.Id == node.NodeId) return new MemberRequests(member.Id, history.Read());
            if (member.Address is null || member.State == "down") return new MemberRequests(member.Id, null);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            timeout.CancelAfter(MemberTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(member.Address), "/admin/requests"));
                LeaderForwarder.CopyCredentials(http.Request, request);
                using var response = await client.SendAsync(request, timeout.Token);
                return new MemberRequests(member.Id, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<RequestBucket[]>(timeout.Token) : null);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException or UriFormatException)
            {
                return new MemberRequests(member.Id, null);
            }
        }));
        return TypedResults.Ok(new Overview(cluster, requests));
    }
}

public sealed record MemberRequests(
    [property: System.Text.Json.Serialization.JsonPropertyName("member")] ulong Member,
    [property: System.Text.Json.Serialization.JsonPropertyName("buckets")] IReadOnlyList<RequestBucket>? Buckets);

public sealed record Overview(
    [property: System.Text.Json.Serialization.JsonPropertyName("cluster")] ClusterView Cluster,
    [property: System.Text.Json.Serialization.JsonPropertyName("requests")] IReadOnlyList<MemberRequests> Requests);
