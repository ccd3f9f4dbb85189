// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RaftCache.Node.Security;

namespace RaftCache.Node.Tests.Security;

/// <summary>
/// A token is only as good as the key it was issued for (one in-process node): once the key's id is revoked, the key
/// and the token are refused on this node's very next request, while other keys' tokens keep working.
/// </summary>
public sealed class TokenRevocationTests
{
    [Fact]
    public async Task Revoking_a_key_ends_its_tokens_and_no_other()
    {
        await using var node = await InProcessNode.StartAsync(InProcessNode.StandardKeys);
        var writerToken = await LoginAsync(node, InProcessNode.WriterKey);
        var readerToken = await LoginAsync(node, InProcessNode.ReaderKey);
        Assert.NotEqual(HttpStatusCode.Unauthorized, await GetAsync(node, writerToken));

        node.Services.GetRequiredService<ApiKeyStore>().SetRevoked([ApiKeyStore.KeyIdOf(InProcessNode.WriterKey)]);

        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(node, writerToken));
        Assert.NotEqual(HttpStatusCode.Unauthorized, await GetAsync(node, readerToken));
    }

    private static async Task<string> LoginAsync(InProcessNode node, string key)
    {
        using var login = await node.Client.PostAsJsonAsync("/login", new { key });
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    private static async Task<HttpStatusCode> GetAsync(InProcessNode node, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/keys/revocation-probe?consistency=local");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await node.Client.SendAsync(request);
        return response.StatusCode;
    }
}
