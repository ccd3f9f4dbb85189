// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RaftCache.Node.Api;
using RaftCache.Node.Requests;

namespace RaftCache.Node.Tests.Api;

/// <summary>The GET reply of a JSON value, written into pooled memory: exact bytes, exact length, any key and size.</summary>
public sealed class JsonValueResultTests
{
    private static async Task<(HttpResponse Response, byte[] Body)> ExecuteAsync(string key, StoredValue entry)
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        await JsonValueResult.Of(key, entry).ExecuteAsync(http);
        return (http.Response, body.ToArray());
    }

    [Theory]
    [InlineData("plain", 10)]
    [InlineData("quote\"back\\slash\u0001ctl", 100)]
    [InlineData("ünïcödé-キー-🔑", 1024)]
    [InlineData("big", 300_000)]
    public async Task The_envelope_carries_key_data_expiry_and_version_with_its_exact_length(string key, int valueBytes)
    {
        var value = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new string('v', valueBytes)));
        var expires = DateTimeOffset.Parse("2030-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

        var (response, body) = await ExecuteAsync(key, new StoredValue(value, "application/json"u8.ToArray(), 42, expires));

        Assert.Equal(body.Length, response.ContentLength);
        Assert.Equal("application/json", response.ContentType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(key, json.RootElement.GetProperty("key").GetString());
        Assert.Equal(new string('v', valueBytes), json.RootElement.GetProperty("data").GetString());
        Assert.Equal(42UL, json.RootElement.GetProperty("version").GetUInt64());
        Assert.Equal(ExpiryParser.Format(expires), json.RootElement.GetProperty("expiration_date").GetString());
    }

    [Fact]
    public async Task A_value_without_expiry_has_a_null_expiration_date_and_replies_do_not_bleed_into_each_other()
    {
        // Replies built one after the other reuse the thread's writer and pooled memory: each must hold its own bytes only.
        var first = await ExecuteAsync("a", new StoredValue("""{"n":1}"""u8.ToArray(), "application/json"u8.ToArray(), 1, null));
        var second = await ExecuteAsync("b", new StoredValue("[2]"u8.ToArray(), "application/json"u8.ToArray(), 2, null));

        Assert.Equal("""{"key":"a","data":{"n":1},"expiration_date":null,"version":1}""", Encoding.UTF8.GetString(first.Body));
        Assert.Equal("""{"key":"b","data":[2],"expiration_date":null,"version":2}""", Encoding.UTF8.GetString(second.Body));
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("Application/JSON; charset=utf-8", true)]
    [InlineData(" application/json ", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("text/plain", false)]
    [InlineData("application/jsonx", false)]
    [InlineData("json", false)]
    [InlineData("", false)]
    public void Json_content_types_are_recognised_from_their_stored_bytes(string contentType, bool json) =>
        Assert.Equal(json, KeysEndpoints.IsJson(Encoding.UTF8.GetBytes(contentType)));
}
