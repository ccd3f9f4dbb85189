// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>
/// The small APIs users of simple cache services call on day one, on a 4-node cluster (so no node holds every
/// shard): login with api_key, the POST /cache command protocol, multipart file uploads, the key listing across all
/// shards and the per-node dump.
/// </summary>
public sealed class CompatibilityApiTests(CompatibilityApiTests.FourNodes shared) : IClassFixture<CompatibilityApiTests.FourNodes>
{
    private TestCluster Cluster => shared.Cluster;

    private Uri Node(int id, string path) => new(Cluster.Node(id).Url, path);

    [Fact]
    public async Task Login_accepts_api_key_as_simple_cache_services_name_it()
    {
        using var anonymous = new HttpClient();
        using var ok = await anonymous.PostAsJsonAsync(Node(1, "/login"), new { api_key = TestCluster.AdminKey });
        using var wrong = await anonymous.PostAsJsonAsync(Node(1, "/login"), new { api_key = "not-a-key-of-this-cluster" });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var token = (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, Node(2, "/keys/absent-for-login"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var withToken = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task Cache_commands_write_read_and_delete_the_same_keys_as_the_keys_api()
    {
        var write = await CommandAsync(1, new { command = "WRITE", key = "cmd:1", value = new { user = "ada" }, expire = 600 });
        Assert.Equal("SUCCESS", write.GetProperty("status").GetString());

        // Another node, and the /keys API, see the same entry.
        var read = await CommandAsync(3, new { command = "READ", key = "cmd:1" });
        Assert.Equal("ada", read.GetProperty("value").GetProperty("user").GetString());
        var viaKeys = await Cluster.Http.GetFromJsonAsync<JsonElement>(Node(4, "/keys/cmd:1"));
        Assert.Equal("ada", viaKeys.GetProperty("data").GetProperty("user").GetString());
        Assert.Equal(write.GetProperty("version").GetUInt64(), viaKeys.GetProperty("version").GetUInt64());

        Assert.Equal("SUCCESS", (await CommandAsync(2, new { command = "delete", key = "cmd:1" })).GetProperty("status").GetString());
        using var absent = await Cluster.Http.PostAsJsonAsync(Node(2, "/cache"), new { command = "READ", key = "cmd:1" });
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
        var notFound = await absent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("NOT_FOUND", notFound.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, notFound.GetProperty("value").ValueKind);
    }

    [Theory]
    [InlineData("""{"command": "FETCH", "key": "k"}""", 400)]
    [InlineData("""{"command": "WRITE", "key": "k"}""", 400)]
    [InlineData("""{"command": "WRITE", "key": "", "value": 1}""", 400)]
    [InlineData("""{"command": "WRITE", "key": "k", "value": 1, "expire": -5}""", 400)]
    [InlineData("""{"command": "WRITE", "key": "k", "value": 1, "expire": "2001-01-01T00:00:00Z"}""", 400)]
    [InlineData("""{"command": "WRITE", "key": "k", "value": 1, "expire": true}""", 400)]
    [InlineData("""{"command": "READ", "key": 5}""", 400)]
    [InlineData("""[1, 2]""", 400)]
    [InlineData("""{"command": "WRITE", """, 400)]
    public async Task Bad_commands_are_problem_details_and_store_nothing(string body, int status)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Cluster.Http.PostAsync(Node(1, "/cache"), content);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var get = await Cluster.Http.GetAsync(Node(1, "/keys/k"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Cache_commands_share_the_value_limit_and_the_roles_of_keys()
    {
        var big = new string('x', 70_000); // the fixture's --max-value-bytes is 65536
        using var tooLarge = await Cluster.Http.PostAsJsonAsync(Node(1, "/cache"), new { command = "WRITE", key = "big", value = big });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        using var reader = new HttpClient();
        reader.DefaultRequestHeaders.Add("X-Api-Key", FourNodes.ReaderKey);
        using var denied = await reader.PostAsJsonAsync(Node(1, "/cache"), new { command = "WRITE", key = "r", value = 1 });
        using var allowed = await reader.PostAsJsonAsync(Node(1, "/cache"), new { command = "READ", key = "r" });
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode);
    }

    [Fact]
    public async Task A_multipart_upload_stores_the_files_bytes_raw_with_its_content_type()
    {
        var bytes = Enumerable.Range(0, 3000).Select(i => (byte)(i * 31)).ToArray();
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("ignored"), "note");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "picture.png");

        using var put = await Cluster.Http.PutAsync(Node(2, "/keys/upload:1?ttl_seconds=600"), form);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        using var get = await Cluster.Http.GetAsync(Node(3, "/keys/upload:1"));
        Assert.Equal("image/png", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_multipart_body_without_a_file_part_or_with_a_too_large_file_stores_nothing()
    {
        using var noFile = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        using var missing = await Cluster.Http.PutAsync(Node(1, "/keys/upload:2"), noFile);
        using var tooLarge = new MultipartFormDataContent { { new ByteArrayContent(new byte[70_000]), "file", "big.bin" } };
        using var large = await Cluster.Http.PutAsync(Node(1, "/keys/upload:2"), tooLarge);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        using var get = await Cluster.Http.GetAsync(Node(1, "/keys/upload:2"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Admin_keys_lists_every_shards_keys_from_any_node_page_by_page()
    {
        var written = Enumerable.Range(0, 60).Select(i => $"list:{i}").ToHashSet();
        foreach (var key in written)
        {
            using var put = await Cluster.Http.PutAsJsonAsync(Node(1, "/keys/" + key), new { data = 1 });
            put.EnsureSuccessStatusCode();
        }
        foreach (var id in new[] { 1, 4 })
        {
            // A 4-node cluster with 3 replicas per shard: some shards have no replica on this node.
            var (listed, unavailable) = await ListAllAsync(id, pageSize: 7);
            Assert.Empty(unavailable);
            Assert.Subset(listed.ToHashSet(), written);
            Assert.Equal(listed.Count, listed.Distinct().Count());
        }
        var view = await Cluster.ClusterViewAsync(Cluster.Node(1));
        Assert.Contains(view.GetProperty("shards").EnumerateArray(), s => s.GetProperty("replicas").EnumerateArray().All(r => r.GetProperty("id").GetInt32() != 1));
    }

    [Fact]
    public async Task Each_nodes_dump_shows_the_replicas_it_holds_and_a_key_appears_once_per_replica()
    {
        using var put = await Cluster.Http.PutAsJsonAsync(Node(1, "/keys/dump:1"), new { data = new { n = 1 } });
        put.EnsureSuccessStatusCode();
        var copies = 0;
        // Followers apply shortly after the leader acknowledges: poll (bounded) until every replica has it.
        await Cluster.WaitAsync(async () =>
        {
            copies = 0;
            foreach (var node in Cluster.Nodes)
            {
                var dump = await Cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(node.Url, "/admin/dump?limit=1000"));
                var held = (await Cluster.ClusterViewAsync(node)).GetProperty("shards").EnumerateArray()
                    .Where(s => s.GetProperty("replicas").EnumerateArray().Any(r => r.GetProperty("id").GetInt32() == node.Id))
                    .Select(s => s.GetProperty("id").GetInt32()).Order();
                var dumped = dump.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("shard").GetProperty("id").GetInt32()).Order();
                Assert.Equal(held, dumped);
                Assert.Equal(node.Id, dump.GetProperty("node_id").GetInt32());
                var entries = dump.GetProperty("replicas").EnumerateArray().SelectMany(r => r.GetProperty("entries").EnumerateArray())
                    .Where(e => e.GetProperty("key").GetString() == "dump:1").ToArray();
                Assert.All(entries, e => Assert.Equal(1, e.GetProperty("value").GetProperty("n").GetInt32()));
                copies += entries.Length;
            }
            return copies == 3; // the replication factor: one copy on every replica of its shard, none elsewhere
        }, TimeSpan.FromSeconds(30), () => $"{copies} copies of dump:1 in the dumps");
    }

    [Fact]
    public async Task The_openapi_document_describes_each_compatibility_endpoint_with_its_errors()
    {
        var paths = (await Cluster.Http.GetFromJsonAsync<JsonElement>(Node(1, "/openapi/v1.json"))).GetProperty("paths");

        var cache = paths.GetProperty("/cache").GetProperty("post");
        Assert.Contains("WRITE", cache.GetProperty("description").GetString());
        Assert.True(cache.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _));
        Assert.True(cache.GetProperty("responses").TryGetProperty("403", out _));
        foreach (var (path, status) in new[] { ("/admin/dump", "400"), ("/admin/shards/{id}/keys", "404"), ("/admin/keys", "400") })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.False(string.IsNullOrEmpty(get.GetProperty("summary").GetString()));
            Assert.True(get.GetProperty("responses").TryGetProperty(status, out _), path);
        }
        Assert.Contains("multipart/form-data", paths.GetProperty("/keys/{key}").GetProperty("put").GetProperty("description").GetString());
    }

    private async Task<JsonElement> CommandAsync(int node, object command)
    {
        using var response = await Cluster.Http.PostAsJsonAsync(Node(node, "/cache"), command);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<(List<string> Keys, List<int> Unavailable)> ListAllAsync(int node, int pageSize)
    {
        var keys = new List<string>();
        var unavailable = new List<int>();
        string? cursor = null;
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await Cluster.Http.GetFromJsonAsync<JsonElement>(Node(node, $"/admin/keys?limit={pageSize}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))));
            var batch = page.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()!).ToArray();
            Assert.InRange(batch.Length, 0, pageSize);
            keys.AddRange(batch);
            unavailable.AddRange(page.GetProperty("shards_unavailable").EnumerateArray().Select(s => s.GetInt32()));
            cursor = page.GetProperty("next_cursor").GetString();
            if (cursor is null) return (keys, unavailable);
        }
        throw new InvalidOperationException("the listing did not end");
    }

    /// <summary>A 4-node cluster (3 replicas per shard) with a 64 KiB value limit and a reader key.</summary>
    public sealed class FourNodes : IAsyncLifetime
    {
        public const string ReaderKey = "reader-key-0123456789abcdef";

        public TestCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(4, "--max-value-bytes", "65536", "--api-key", $"test-reader:reader:{ReaderKey}");

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }
}
