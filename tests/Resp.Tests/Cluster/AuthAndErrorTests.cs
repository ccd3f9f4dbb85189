// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using StackExchange.Redis;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>Closed by default, roles as on REST, errors that keep the connection, protocol errors that close only it.</summary>
public sealed class AuthAndErrorTests(RespCluster fixture) : IClassFixture<RespCluster>
{
    private string Endpoint(int node = 1) => RespCluster.EndpointOf(fixture.Cluster.Node(node));

    [Fact]
    public async Task Before_auth_only_auth_hello_ping_and_quit_are_answered()
    {
        await using var client = await RawRespClient.ConnectAsync(Endpoint());
        Assert.Equal("+PONG", await client.CallAsync("PING"));
        Assert.StartsWith("-NOAUTH", await client.CallAsync("GET", "k"));
        Assert.StartsWith("-NOAUTH", await client.CallAsync("SET", "k", "v"));
        Assert.StartsWith("-NOAUTH", await client.CallAsync("INFO"));
        Assert.StartsWith("-NOAUTH", await client.CallAsync("HELLO", "3"));
        Assert.StartsWith("-WRONGPASS", await client.CallAsync("AUTH", "not-a-key-at-all-xxxx"));
        Assert.StartsWith("-WRONGPASS", await client.CallAsync("AUTH", "someone-else", fixture.AdminKey));
        Assert.Equal("+OK", await client.CallAsync("AUTH", "test-admin", fixture.AdminKey));
        Assert.Equal("+OK", await client.CallAsync("SET", "auth:k", "v"));
        Assert.Equal("+RESET", await client.CallAsync("RESET"));
        Assert.StartsWith("-NOAUTH", await client.CallAsync("GET", "auth:k"));
        Assert.StartsWith("[server, redis", await client.CallAsync("HELLO", "3", "AUTH", "default", fixture.AdminKey, "SETNAME", "me"));
        Assert.Equal("me", await client.CallAsync("CLIENT", "GETNAME"));
        Assert.Equal("v", await client.CallAsync("GET", "auth:k"));
        Assert.Equal("+OK", await client.CallAsync("QUIT"));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task A_reader_reads_but_is_refused_writes_and_flushes_and_a_writer_is_refused_flushes()
    {
        await using var admin = await fixture.ConnectAsync(1);
        await admin.GetDatabase().StringSetAsync("roles:k", "v");
        await using var reader = await fixture.ConnectAsync(2, RespCluster.ReaderKey);
        var db = reader.GetDatabase();
        Assert.Equal("v", (string?)await db.StringGetAsync("roles:k"));
        Assert.StartsWith("NOPERM", (await Assert.ThrowsAsync<RedisServerException>(() => db.StringSetAsync("roles:k", "x"))).Message);
        Assert.StartsWith("NOPERM", (await Assert.ThrowsAsync<RedisServerException>(() => db.StringIncrementAsync("roles:n"))).Message);
        Assert.StartsWith("NOPERM", (await Assert.ThrowsAsync<RedisServerException>(() => db.HashSetAsync("roles:h", "f", "v"))).Message);
        await using var writer = await fixture.ConnectAsync(3, RespCluster.WriterKey, user: "writer1");
        Assert.True(await writer.GetDatabase().StringSetAsync("roles:k", "w"));
        Assert.StartsWith("NOPERM", (await Assert.ThrowsAsync<RedisServerException>(() => writer.GetDatabase().ExecuteAsync("FLUSHALL"))).Message);
        Assert.Equal("w", (string?)await db.StringGetAsync("roles:k"));
    }

    [Fact]
    public async Task A_client_with_a_wrong_key_cannot_connect()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => fixture.ConnectAsync(1, "wrong-key-wrong-key-wrong"));
        Assert.Contains("WRONGPASS", error.ToString());
    }

    [Fact]
    public async Task Errors_answer_the_command_and_keep_the_connection()
    {
        await using var client = await RawRespClient.ConnectAsync(Endpoint(2));
        Assert.Equal("+OK", await client.CallAsync("AUTH", fixture.AdminKey));
        Assert.StartsWith("-ERR unknown command 'FOO'", await client.CallAsync("FOO", "bar"));
        Assert.StartsWith("-ERR wrong number of arguments for 'get'", await client.CallAsync("GET"));
        Assert.StartsWith("-ERR syntax error", await client.CallAsync("SET", "k", "v", "BOGUS"));
        Assert.StartsWith("-ERR invalid expire time", await client.CallAsync("SET", "k", "v", "EX", "0"));
        Assert.StartsWith("-ERR value is not an integer", await client.CallAsync("SET", "k", "v", "EX", "ten"));
        Assert.StartsWith("-ERR value is larger than the value limit", await client.CallAsync("SET", "k", new string('x', 70_000)));
        Assert.StartsWith("-ERR invalid key", await client.CallAsync("GET", new string('k', 1025)));
        Assert.StartsWith("-ERR unknown subcommand", await client.CallAsync("CLIENT", "KILL"));
        Assert.Equal("+PONG", await client.CallAsync("PING"));
    }

    [Fact]
    public async Task A_protocol_error_closes_only_that_connection()
    {
        await using var other = await RawRespClient.ConnectAsync(Endpoint(3));
        Assert.Equal("+OK", await other.CallAsync("AUTH", fixture.AdminKey));
        await using var broken = await RawRespClient.ConnectAsync(Endpoint(3));
        await broken.SendRawAsync(Encoding.ASCII.GetBytes("*1\r\n$99999999\r\n"));
        Assert.StartsWith("-ERR Protocol error", await broken.ReadReplyAsync());
        Assert.True(await broken.IsClosedAsync());
        Assert.Equal("+PONG", await other.CallAsync("PING"));
    }

    [Fact]
    public async Task One_keyspace_a_key_written_over_rest_reads_over_resp_and_the_other_way_round()
    {
        var node = fixture.Cluster.Node(1);
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(node.Url, "/keys/both:raw")) { Content = new ByteArrayContent("raw bytes"u8.ToArray()) };
        put.Content.Headers.ContentType = new("application/octet-stream");
        (await fixture.Cluster.Http.SendAsync(put)).EnsureSuccessStatusCode();
        using var json = new HttpRequestMessage(HttpMethod.Put, new Uri(node.Url, "/keys/both:json")) { Content = new StringContent("{\"data\": {\"a\": 1}}", Encoding.UTF8, "application/json") };
        (await fixture.Cluster.Http.SendAsync(json)).EnsureSuccessStatusCode();

        await using var redis = await fixture.ConnectAsync(2);
        var db = redis.GetDatabase();
        Assert.Equal("raw bytes", (string?)await db.StringGetAsync("both:raw"));
        Assert.Equal("{\"a\": 1}", (string?)await db.StringGetAsync("both:json"));

        await db.StringSetAsync("both:resp", "from resp");
        var get = await fixture.Cluster.Http.GetAsync(new Uri(fixture.Cluster.Node(3).Url, "/keys/both:resp"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("application/octet-stream", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal("from resp", await get.Content.ReadAsStringAsync());
        await db.HashSetAsync("both:hash", "f", "v");
        var hash = await fixture.Cluster.Http.GetAsync(new Uri(fixture.Cluster.Node(3).Url, "/keys/both:hash"));
        Assert.Equal("application/vnd.raftcache.hash", hash.Content.Headers.ContentType?.MediaType);
        (await fixture.Cluster.Http.DeleteAsync(new Uri(node.Url, "/keys/both:resp"))).EnsureSuccessStatusCode();
        Assert.False(await db.KeyExistsAsync("both:resp"));
    }
}
