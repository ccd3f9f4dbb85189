// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>API.md against a real 3-node cluster: replication through any node and every error case.</summary>
public sealed class ApiContractTests(SharedCluster shared) : IClassFixture<SharedCluster>
{
    private TestCluster Cluster => shared.Cluster;

    private HttpClient Http => Cluster.Http;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Key(string name) => $"{name}-{Guid.NewGuid():N}";

    private async Task<NodeProcess> FollowerOfAsync(string key)
    {
        // Find which shard the key lands on through a write's leader: any node not leading that shard is a follower.
        var view = await Cluster.ClusterViewAsync(Cluster.Node(1));
        var shard = new RaftCache.Node.Sharding.ShardMap(4).ShardOfKey(Encoding.UTF8.GetBytes(key));
        var leader = view.GetProperty("shards").EnumerateArray().First(s => s.GetProperty("id").GetInt32() == shard).GetProperty("leader").GetInt32();
        return Cluster.Nodes.First(n => n.Id != leader);
    }

    [Fact]
    public async Task A_write_through_a_follower_is_read_back_on_every_node_linearizably_and_locally()
    {
        var key = Key("session");
        var follower = await FollowerOfAsync(key);

        using var put = await Http.PutAsync(new Uri(follower.Url, $"/keys/{key}"), Json("""{"data": {"user": "ada", "n": [1, 2]}, "ttl_seconds": 600}"""));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var written = await put.Content.ReadFromJsonAsync<JsonElement>();
        var version = written.GetProperty("version").GetUInt64();
        Assert.Equal($"\"{version}\"", put.Headers.ETag?.Tag);
        foreach (var node in Cluster.Nodes)
        {
            var linearizable = await Http.GetFromJsonAsync<JsonElement>(new Uri(node.Url, $"/keys/{key}"));
            Assert.Equal("ada", linearizable.GetProperty("data").GetProperty("user").GetString());
            Assert.Equal(version, linearizable.GetProperty("version").GetUInt64());
        }
        // A local read may lag, but only briefly: it converges on every replica.
        foreach (var node in Cluster.Nodes)
        {
            await Eventually(async () =>
            {
                using var local = await Http.GetAsync(new Uri(node.Url, $"/keys/{key}?consistency=local"));
                return local.StatusCode == HttpStatusCode.OK;
            });
        }
    }

    [Fact]
    public async Task Raw_values_keep_their_bytes_and_content_type()
    {
        var key = Key("raw");
        var bytes = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-custom");

        using var put = await Http.PutAsync(new Uri(Cluster.Node(2).Url, $"/keys/{key}?ttl_seconds=60"), content);
        using var get = await Http.GetAsync(new Uri(Cluster.Node(3).Url, $"/keys/{key}"));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("application/x-custom", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.NotNull(get.Headers.ETag);
    }

    [Fact]
    public async Task An_absent_key_reads_as_404_with_the_json_body_null()
    {
        using var get = await Http.GetAsync(new Uri(Cluster.Node(1).Url, $"/keys/{Key("absent")}"));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal("null", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Delete_is_idempotent_and_the_key_is_gone_everywhere()
    {
        var key = Key("gone");
        (await Http.PutAsync(new Uri(Cluster.Node(1).Url, $"/keys/{key}"), Json("""{"data": 1}"""))).EnsureSuccessStatusCode();

        using var first = await Http.DeleteAsync(new Uri(Cluster.Node(2).Url, $"/keys/{key}"));
        using var second = await Http.DeleteAsync(new Uri(Cluster.Node(3).Url, $"/keys/{key}"));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        foreach (var node in Cluster.Nodes)
        {
            using var get = await Http.GetAsync(new Uri(node.Url, $"/keys/{key}"));
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }
    }

    [Fact]
    public async Task If_Match_is_compare_and_set_and_If_None_Match_star_creates_only()
    {
        var key = Key("cas");
        var url = new Uri(Cluster.Node(1).Url, $"/keys/{key}");
        using var create = new HttpRequestMessage(HttpMethod.Put, url) { Content = Json("""{"data": "v1"}""") };
        create.Headers.TryAddWithoutValidation("If-None-Match", "*");
        using var created = await Http.SendAsync(create);
        var version = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetUInt64();

        using var again = new HttpRequestMessage(HttpMethod.Put, url) { Content = Json("""{"data": "v1b"}""") };
        again.Headers.TryAddWithoutValidation("If-None-Match", "*");
        using var conflict = await Http.SendAsync(again);
        using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = Json("""{"data": "v2"}""") };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{version + 1000}\"");
        using var rejected = await Http.SendAsync(stale);
        using var current = new HttpRequestMessage(HttpMethod.Put, url) { Content = Json("""{"data": "v2"}""") };
        current.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        using var swapped = await Http.SendAsync(current);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, rejected.StatusCode);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, swapped.StatusCode);
        var read = await Http.GetFromJsonAsync<JsonElement>(url);
        Assert.Equal("v2", read.GetProperty("data").GetString());
    }

    public static TheoryData<string, string, string?, int> BadRequests => new()
    {
        { "malformed JSON", """{"data": """, "application/json", 400 },
        { "no data member", """{"value": 1}""", "application/json", 400 },
        { "past expiration date", """{"data": 1, "expiration_date": "2001-01-01T00:00:00Z"}""", "application/json", 400 },
        { "unparseable expiration date", """{"data": 1, "expiration_date": "tomorrow"}""", "application/json", 400 },
        { "negative TTL", """{"data": 1, "ttl_seconds": -5}""", "application/json", 400 },
        { "both expiry forms", """{"data": 1, "ttl_seconds": 5, "expiration_date": "2099-01-01T00:00:00Z"}""", "application/json", 400 },
        { "no content type", """{"data": 1}""", null, 415 },
        { "JSON in another charset", """{"data": 1}""", "application/json; charset=iso-8859-1", 415 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_writes_get_a_problem_and_change_nothing(string what, string body, string? contentType, int status)
    {
        var key = Key("bad");
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var put = await Http.PutAsync(new Uri(Cluster.Node(2).Url, $"/keys/{key}"), content);

        Assert.True(status == (int)put.StatusCode, $"{what}: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        var problem = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        using var get = await Http.GetAsync(new Uri(Cluster.Node(1).Url, $"/keys/{key}"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task A_key_longer_than_1024_bytes_is_a_bad_request()
    {
        using var put = await Http.PutAsync(new Uri(Cluster.Node(1).Url, "/keys/" + new string('k', 1025)), Json("""{"data": 1}"""));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("1024", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_over_the_configured_limit_is_413_and_one_at_the_limit_is_stored()
    {
        // The cluster runs with --max-value-bytes 65536.
        var key = Key("big");
        using var tooBig = new ByteArrayContent(new byte[65537]);
        tooBig.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var atLimit = new ByteArrayContent(new byte[65536]);
        atLimit.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        using var rejected = await Http.PutAsync(new Uri(Cluster.Node(3).Url, $"/keys/{key}"), tooBig);
        using var stored = await Http.PutAsync(new Uri(Cluster.Node(3).Url, $"/keys/{key}"), atLimit);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
    }

    [Theory]
    [InlineData("consistency=sometimes")]
    [InlineData("use_cache=maybe")]
    [InlineData("consistency=local&use_cache=true")]
    public async Task An_unknown_read_mode_is_a_bad_request(string query)
    {
        using var get = await Http.GetAsync(new Uri(Cluster.Node(1).Url, $"/keys/{Key("mode")}?{query}"));

        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
    }

    [Fact]
    public async Task Expiry_is_seen_identically_on_every_node()
    {
        // Injected: a value whose absolute expiry is 5 s ahead (room for a loaded machine to apply it everywhere
        // first). Checked: before the instant every replica serves it
        // (local reads, so each replica answers from its own state); after it, every replica hides it.
        var key = Key("ttl");
        var expiry = DateTimeOffset.UtcNow.AddSeconds(5);
        (await Http.PutAsync(new Uri(Cluster.Node(1).Url, $"/keys/{key}"), Json($$"""{"data": "short", "expiration_date": "{{expiry:O}}"}"""))).EnsureSuccessStatusCode();
        foreach (var node in Cluster.Nodes)
        {
            await Eventually(async () => (await Http.GetAsync(new Uri(node.Url, $"/keys/{key}?consistency=local"))).StatusCode == HttpStatusCode.OK);
        }
        Assert.True(DateTimeOffset.UtcNow < expiry, "the machine was too slow to see the value everywhere before it expired");
        while (DateTimeOffset.UtcNow <= expiry) await Task.Delay(50);

        foreach (var node in Cluster.Nodes)
        {
            using var local = await Http.GetAsync(new Uri(node.Url, $"/keys/{key}?consistency=local"));
            using var linearizable = await Http.GetAsync(new Uri(node.Url, $"/keys/{key}"));
            Assert.Equal(HttpStatusCode.NotFound, local.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, linearizable.StatusCode);
        }
    }

    [Fact]
    public async Task The_openapi_document_and_swagger_ui_are_served()
    {
        var document = await Http.GetFromJsonAsync<JsonElement>(new Uri(Cluster.Node(1).Url, "/openapi/v1.json"));
        using var swagger = await Http.GetAsync(new Uri(Cluster.Node(1).Url, "/swagger/index.html"));

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/keys/{key}", out var keys));
        Assert.True(keys.GetProperty("put").GetProperty("responses").TryGetProperty("412", out _));
        Assert.False(string.IsNullOrEmpty(keys.GetProperty("get").GetProperty("summary").GetString()));
        Assert.Equal(HttpStatusCode.OK, swagger.StatusCode);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 10 s");
            await Task.Delay(25);
        }
    }
}
