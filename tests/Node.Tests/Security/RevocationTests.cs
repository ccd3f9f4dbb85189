// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RaftCache.Node.Security;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Security;

/// <summary>
/// Revoking an API key with real node processes (docs/security.md, "Revocation"): the revocation is asked of one node
/// and must end the key and the token issued for it on every node, through the metadata group.
/// </summary>
public sealed class RevocationTests
{
    private const string WriterKey = "revocable-writer-key-0123456789";

    [Fact]
    public async Task A_revoked_key_and_its_token_are_refused_on_every_node()
    {
        // Injected: POST /admin/api-keys/revoke {"names": ["ops"]} on node 2 of 3. Checked: before, the key and a token
        // from POST /login on node 1 are accepted by all three nodes; after, both get 401 on all three (bounded wait,
        // the time taken is reported, not asserted), the admin key still works, and the listing shows the key revoked.
        await using var cluster = await TestCluster.StartWithAsync(3, _ => new ClusterSetup(["--api-key", $"ops:writer:{WriterKey}"]));
        using var anonymous = new HttpClient(); // cluster.Http sends the admin key, which /login would take instead
        using var login = await anonymous.PostAsJsonAsync(new Uri(cluster.Node(1).Url, "/login"), new { key = WriterKey });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.NotFound, await GetWithAsync(node, "X-Api-Key", WriterKey));
            Assert.Equal(HttpStatusCode.NotFound, await GetWithAsync(node, "Authorization", $"Bearer {token}"));
        }

        using var revoke = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Node(2).Url, "/admin/api-keys/revoke"), new { names = new[] { "ops" } });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var clock = Stopwatch.StartNew();
        // Each probe stops once refused: every refusal counts as a failed attempt against the per-address limit.
        var pending = cluster.Nodes.SelectMany(n => new[] { (Node: n, Header: "X-Api-Key", Value: WriterKey), (Node: n, Header: "Authorization", Value: $"Bearer {token}") }).ToList();
        await cluster.WaitAsync(async () =>
        {
            foreach (var probe in pending.ToArray())
            {
                if (await GetWithAsync(probe.Node, probe.Header, probe.Value) == HttpStatusCode.Unauthorized) pending.Remove(probe);
            }
            return pending.Count == 0;
        }, TimeSpan.FromSeconds(15), () => "still accepted: " + string.Join("; ", pending.Select(p => $"node {p.Node.Id} {p.Header}")));
        Console.WriteLine($"revocation refused everywhere {clock.ElapsedMilliseconds} ms after the answer");

        var keys = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(cluster.Node(3).Url, "/admin/api-keys"));
        var ops = keys.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "ops");
        Assert.True(ops.GetProperty("revoked").GetBoolean());
        Assert.Equal(ApiKeyStore.KeyIdOf(WriterKey), ops.GetProperty("key_id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, await GetWithAsync(cluster.Node(3), "X-Api-Key", TestCluster.AdminKey));
    }

    [Fact]
    public async Task Revoking_needs_a_known_key()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        using var unknown = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Node(1).Url, "/admin/api-keys/revoke"), new { names = new[] { "nobody" } });
        using var malformed = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Node(1).Url, "/admin/api-keys/revoke"), new { key_ids = new[] { "XYZ" } });
        using var empty = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Node(1).Url, "/admin/api-keys/revoke"), new { });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    private static async Task<HttpStatusCode> GetWithAsync(NodeProcess node, string header, string value)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.Url, "/keys/revocation-probe"));
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
