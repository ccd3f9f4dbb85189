// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RaftCache.Node.Tests.Security;

/// <summary>Settings that change who is admitted, each on its own in-process node: what was set, what was checked.</summary>
public sealed class SecurityToggleTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Metrics_need_a_reader_by_default_and_are_open_when_configured()
    {
        await using var closed = await InProcessNode.StartAsync();
        await using var open = await InProcessNode.StartAsync("--allow-anonymous-metrics", "true");

        using var anonymousClosed = await closed.SendAsync(HttpMethod.Get, "/metrics");
        using var readerClosed = await closed.SendAsync(HttpMethod.Get, "/metrics", apiKey: InProcessNode.ReaderKey);
        using var anonymousOpen = await open.SendAsync(HttpMethod.Get, "/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousClosed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readerClosed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anonymousOpen.StatusCode);
    }

    [Fact]
    public async Task Openapi_and_swagger_are_open_by_default_and_need_a_reader_when_configured()
    {
        await using var open = await InProcessNode.StartAsync();
        await using var closed = await InProcessNode.StartAsync("--allow-anonymous-openapi", "false");

        using var openDocument = await open.SendAsync(HttpMethod.Get, "/openapi/v1.json");
        using var openUi = await open.SendAsync(HttpMethod.Get, "/swagger/index.html");
        using var closedDocument = await closed.SendAsync(HttpMethod.Get, "/openapi/v1.json");
        using var closedUi = await closed.SendAsync(HttpMethod.Get, "/swagger/index.html");
        using var readerDocument = await closed.SendAsync(HttpMethod.Get, "/openapi/v1.json", apiKey: InProcessNode.ReaderKey);
        using var readerUi = await closed.SendAsync(HttpMethod.Get, "/swagger/index.html", apiKey: InProcessNode.ReaderKey);

        Assert.Equal(HttpStatusCode.OK, openDocument.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openUi.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, closedDocument.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, closedUi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readerDocument.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readerUi.StatusCode);
    }

    [Fact]
    public async Task Repeated_failures_from_one_address_are_answered_429_until_the_window_ends()
    {
        // Injected: 3 attempts with a wrong key (limit 3 per 60 s). Checked: the 4th attempt, even with the right
        // key and even at /login, is 429 with Retry-After and problem details; /health stays open meanwhile.
        await using var node = await InProcessNode.StartAsync("--auth-failure-limit", "3");
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await node.SendAsync(HttpMethod.Get, "/keys/x", apiKey: "not-a-key-0123456789");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var blocked = await node.SendAsync(HttpMethod.Get, "/keys/x", apiKey: InProcessNode.AdminKey);
        using var login = await node.SendAsync(HttpMethod.Post, "/login", content: Json($$"""{"key": "{{InProcessNode.AdminKey}}"}"""));
        using var health = await node.SendAsync(HttpMethod.Get, "/health");

        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 60 });
        Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.TooManyRequests, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Requests_without_credentials_do_not_count_as_failed_attempts()
    {
        await using var node = await InProcessNode.StartAsync("--auth-failure-limit", "2");
        for (var i = 0; i < 5; i++)
        {
            using var anonymous = await node.SendAsync(HttpMethod.Get, "/keys/x");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var admitted = await node.SendAsync(HttpMethod.Get, "/keys/x", apiKey: InProcessNode.ReaderKey);

        Assert.Equal(HttpStatusCode.NotFound, admitted.StatusCode);
    }

    [Fact]
    public async Task No_auth_mode_admits_everyone_and_issues_no_tokens()
    {
        await using var node = await InProcessNode.StartAsync("--no-auth");

        using var put = await node.SendAsync(HttpMethod.Put, "/keys/open", content: Json("""{"data": 1}"""));
        using var admin = await node.SendAsync(HttpMethod.Get, "/admin/cluster");
        using var login = await node.SendAsync(HttpMethod.Post, "/login", content: Json("""{"key": "whatever-whatever"}"""));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
    }

    [Fact]
    public async Task A_keys_page_larger_than_the_configured_maximum_is_clamped_to_it()
    {
        await using var node = await InProcessNode.StartAsync([.. InProcessNode.StandardKeys, "--max-keys-per-page", "2"]);
        for (var i = 0; i < 3; i++)
        {
            using var put = await node.SendAsync(HttpMethod.Put, $"/keys/page-{i}", apiKey: InProcessNode.WriterKey, content: Json("""{"data": 1}"""));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var page = await node.SendAsync(HttpMethod.Get, "/admin/keys?limit=100", apiKey: InProcessNode.AdminKey);
        var body = await page.Content.ReadFromJsonAsync<JsonElement>();
        using var zero = await node.SendAsync(HttpMethod.Get, "/admin/keys?limit=0", apiKey: InProcessNode.AdminKey);

        Assert.Equal(2, body.GetProperty("keys").GetArrayLength());
        Assert.Equal(JsonValueKind.String, body.GetProperty("next_cursor").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
    }
}
