// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RaftCache.Node.Tests.Security;

/// <summary>One node with a reader, a writer and an admin key, shared by the tests of the role matrix.</summary>
public sealed class SecuredNode : IAsyncLifetime
{
    public InProcessNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await InProcessNode.StartAsync();

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>
/// Who may call what, through the real middleware: no credentials → 401 with WWW-Authenticate, a bad key → 401,
/// a role too weak → 403, all as problem details; /health stays open. Each case states the key and the call.
/// </summary>
public sealed class RoleMatrixTests(SecuredNode secured) : IClassFixture<SecuredNode>
{
    private InProcessNode Node => secured.Node;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static TheoryData<string, string, string, int> Matrix => new()
    {
        // role, method, path, expected status
        { "reader", "GET", "/keys/matrix-absent", 404 },
        { "reader", "PUT", "/keys/matrix-r", 403 },
        { "reader", "DELETE", "/keys/matrix-r", 403 },
        { "reader", "GET", "/admin/cluster", 403 },
        { "reader", "GET", "/metrics", 200 },
        { "reader", "GET", "/admin/overview", 200 },
        { "reader", "GET", "/admin/requests", 200 },
        { "reader", "POST", "/admin/snapshot", 403 },
        { "writer", "GET", "/keys/matrix-absent", 404 },
        { "writer", "PUT", "/keys/matrix-w", 200 },
        { "writer", "DELETE", "/keys/matrix-w", 204 },
        { "writer", "GET", "/admin/cluster", 403 },
        { "writer", "GET", "/admin/keys", 403 },
        { "writer", "DELETE", "/admin/keys", 403 },
        { "writer", "POST", "/admin/snapshot", 403 },
        { "writer", "GET", "/admin/shards/1/snapshot", 403 },
        { "writer", "POST", "/admin/shards/1/entries", 403 },
        { "admin", "PUT", "/keys/matrix-a", 200 },
        { "admin", "GET", "/admin/cluster", 200 },
        { "admin", "GET", "/admin/keys", 200 },
        { "admin", "POST", "/admin/snapshot", 200 },
        { "admin", "GET", "/admin/shards/1/snapshot", 200 },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_may_do_exactly_what_it_is_for(string role, string method, string path, int expected)
    {
        var key = role switch { "reader" => InProcessNode.ReaderKey, "writer" => InProcessNode.WriterKey, _ => InProcessNode.AdminKey };

        using var response = await Node.SendAsync(new HttpMethod(method), path, apiKey: key,
            content: method == "PUT" ? Json("""{"data": 1}""") : null);

        Assert.Equal(expected, (int)response.StatusCode);
        if (expected == 403)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(role, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("GET", "/keys/anything")]
    [InlineData("PUT", "/keys/anything")]
    [InlineData("DELETE", "/keys/anything")]
    [InlineData("GET", "/admin/cluster")]
    [InlineData("DELETE", "/admin/keys")]
    [InlineData("GET", "/metrics")]
    [InlineData("GET", "/admin/events")]
    [InlineData("GET", "/admin/overview")]
    public async Task A_call_without_credentials_is_401_with_a_challenge_and_problem_details(string method, string path)
    {
        using var response = await Node.SendAsync(new HttpMethod(method), path, content: method == "PUT" ? Json("""{"data": 1}""") : null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_wrong_key_and_a_forged_token_are_401()
    {
        using var wrongKey = await Node.SendAsync(HttpMethod.Get, "/keys/x", apiKey: InProcessNode.AdminKey + "x");
        using var forged = await Node.SendAsync(HttpMethod.Get, "/keys/x", bearer: "eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ.");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Contains("invalid_token", forged.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_stays_open_without_credentials()
    {
        using var live = await Node.SendAsync(HttpMethod.Get, "/health");
        using var ready = await Node.SendAsync(HttpMethod.Get, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_page_is_open_and_its_data_is_not()
    {
        using var page = await Node.SendAsync(HttpMethod.Get, "/dashboard");
        using var script = await Node.SendAsync(HttpMethod.Get, "/dashboard/dashboard.js");
        using var unknown = await Node.SendAsync(HttpMethod.Get, "/dashboard/secrets.txt");
        using var data = await Node.SendAsync(HttpMethod.Get, "/admin/overview");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/dashboard/dashboard.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
    }

    [Fact]
    public async Task Login_exchanges_a_key_for_a_bearer_token_that_carries_the_keys_role()
    {
        using var login = await Node.SendAsync(HttpMethod.Post, "/login", content: Json($$"""{"key": "{{InProcessNode.WriterKey}}"}"""));
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("access_token").GetString()!;

        using var put = await Node.SendAsync(HttpMethod.Put, "/keys/by-token", bearer: token, content: Json("""{"data": "t"}"""));
        using var admin = await Node.SendAsync(HttpMethod.Get, "/admin/cluster", bearer: token);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
    }

    [Fact]
    public async Task A_key_is_accepted_directly_in_every_documented_header()
    {
        using var apiKeyScheme = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin/cluster", UriKind.Relative));
        apiKeyScheme.Headers.TryAddWithoutValidation("Authorization", "ApiKey " + InProcessNode.AdminKey);
        using var viaAuthorization = await Node.Client.SendAsync(apiKeyScheme);
        using var viaBearer = await Node.SendAsync(HttpMethod.Get, "/admin/cluster", bearer: InProcessNode.AdminKey);
        using var viaHeader = await Node.SendAsync(HttpMethod.Get, "/admin/cluster", apiKey: InProcessNode.AdminKey);

        Assert.Equal(HttpStatusCode.OK, viaAuthorization.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaBearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);
    }

    [Fact]
    public async Task Login_without_a_key_is_400_and_with_a_bad_key_401()
    {
        using var empty = await Node.SendAsync(HttpMethod.Post, "/login", content: Json("{}"));
        using var malformed = await Node.SendAsync(HttpMethod.Post, "/login", content: Json("{\"key\": "));

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_declares_both_schemes_and_requires_them_where_needed()
    {
        var document = await Node.Client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/keys/{key}").GetProperty("put").TryGetProperty("security", out _));
        Assert.True(paths.GetProperty("/admin/cluster").GetProperty("get").TryGetProperty("security", out _));
        Assert.False(paths.GetProperty("/health").GetProperty("get").TryGetProperty("security", out _));
        Assert.True(paths.TryGetProperty("/login", out _));
    }
}
