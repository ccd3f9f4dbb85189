// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Security;

/// <summary>
/// A follower forwards a request to the shard's leader with the caller's own credentials, and the leader authorises
/// it as that caller: a forward gains nothing (real node processes, authentication on).
/// </summary>
public sealed class ForwardingIdentityTests
{
    private const string WriterKey = "fwd-writer-key-0123456789";
    private const string ReaderKey = "fwd-reader-key-0123456789";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static HttpRequestMessage Request(HttpMethod method, Uri url, string? apiKey = null, string? bearer = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    /// <summary>The leader of the key's shard and a node that is not (so a request to it is forwarded).</summary>
    private static async Task<(NodeProcess Leader, NodeProcess Follower)> LeaderAndFollowerOfAsync(TestCluster cluster, string key)
    {
        var shard = new RaftCache.Node.Sharding.ShardMap(4).ShardOfKey(Encoding.UTF8.GetBytes(key));
        var leader = await cluster.LeaderOfAsync(shard);
        return (leader, cluster.Nodes.First(n => n != leader));
    }

    [Fact]
    public async Task Forwarded_requests_are_authorised_at_the_leader_as_the_original_caller()
    {
        await using var cluster = await TestCluster.StartAsync(3, "--api-key", $"w:writer:{WriterKey}", "--api-key", $"r:reader:{ReaderKey}");
        using var anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var key = $"fwd-{Guid.NewGuid():N}";
        var (leader, follower) = await LeaderAndFollowerOfAsync(cluster, key);
        var url = new Uri(follower.Url, $"/keys/{key}");

        // A reader's write sent to a follower: refused there or at the leader, and nothing is written.
        using var readerPut = await anonymous.SendAsync(Request(HttpMethod.Put, url, apiKey: ReaderKey, content: Json("""{"data": "reader"}""")));
        using var afterReader = await cluster.Http.GetAsync(new Uri(leader.Url, $"/keys/{key}"));
        // A writer's write sent to the same follower: the leader accepts it only because the caller's key came along.
        using var writerPut = await anonymous.SendAsync(Request(HttpMethod.Put, url, apiKey: WriterKey, content: Json("""{"data": "writer"}""")));
        var stored = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(leader.Url, $"/keys/{key}"));

        Assert.Equal(HttpStatusCode.Forbidden, readerPut.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterReader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, writerPut.StatusCode);
        Assert.Equal("writer", stored.GetProperty("data").GetString());
    }

    [Fact]
    public async Task A_request_dressed_as_a_forward_gains_no_privilege_at_the_leader()
    {
        await using var cluster = await TestCluster.StartAsync(3, "--api-key", $"r:reader:{ReaderKey}");
        using var anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var key = $"forged-{Guid.NewGuid():N}";
        var (leader, _) = await LeaderAndFollowerOfAsync(cluster, key);
        var url = new Uri(leader.Url, $"/keys/{key}");

        // Injected: the headers a forwarding node adds (hop count, session), sent straight to the leader.
        using var bare = Request(HttpMethod.Put, url, content: Json("""{"data": 1}"""));
        bare.Headers.Add("X-RaftCache-Hops", "1");
        bare.Headers.Add("X-RaftCache-Session", "abc.1.1");
        using var bareAnswer = await anonymous.SendAsync(bare);
        using var asReader = Request(HttpMethod.Put, url, apiKey: ReaderKey, content: Json("""{"data": 1}"""));
        asReader.Headers.Add("X-RaftCache-Hops", "1");
        using var readerAnswer = await anonymous.SendAsync(asReader);

        Assert.Equal(HttpStatusCode.Unauthorized, bareAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readerAnswer.StatusCode);
    }

    [Fact]
    public async Task A_token_from_one_node_is_accepted_by_every_node_and_through_a_forward()
    {
        await using var cluster = await TestCluster.StartAsync(3, "--api-key", $"w:writer:{WriterKey}");
        using var anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var key = $"token-{Guid.NewGuid():N}";
        var (leader, follower) = await LeaderAndFollowerOfAsync(cluster, key);
        var issuer = cluster.Nodes.First(n => n != follower);

        using var login = await anonymous.PostAsync(new Uri(issuer.Url, "/login"), Json($$"""{"key": "{{WriterKey}}"}"""));
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        using var put = await anonymous.SendAsync(Request(HttpMethod.Put, new Uri(follower.Url, $"/keys/{key}"), bearer: token, content: Json("""{"data": "t"}""")));
        using var get = await anonymous.SendAsync(Request(HttpMethod.Get, new Uri(leader.Url, $"/keys/{key}"), bearer: token));

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Flushing_every_shard_fans_out_as_the_admin_caller()
    {
        // DELETE /admin/keys calls this node's own per-shard endpoint once per shard: those calls carry the caller's
        // credentials, so the flush succeeds for an admin (and would be refused for anyone else at the first step).
        await using var cluster = await TestCluster.StartAsync(3);
        using var put = await cluster.Http.PutAsync(new Uri(cluster.Node(1).Url, "/keys/flush-me"), Json("""{"data": 1}"""));
        using var flush = await cluster.Http.DeleteAsync(new Uri(cluster.Node(2).Url, "/admin/keys"));
        using var get = await cluster.Http.GetAsync(new Uri(cluster.Node(3).Url, "/keys/flush-me"));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, flush.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
