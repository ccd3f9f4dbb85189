// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>
/// Revoking an API key ends the RESP connections authenticated with it, on every node (docs/security.md,
/// "Revocation"), while connections of other keys carry on. A cluster of its own: the revocation is for good.
/// </summary>
public sealed class RevocationTests
{
    private const string DoomedKey = "doomed-writer-key-0123456789";

    [Fact]
    public async Task A_revoked_key_ends_its_open_resp_connections_on_every_node()
    {
        // Injected: POST /admin/api-keys/revoke {"names": ["doomed"]} while one connection per node is authenticated with
        // that key. Checked: each of them answers its next command with -NOAUTH and is closed (bounded wait, time
        // reported), and a connection of the admin key keeps working.
        await using var cluster = await TestCluster.StartAsync(3,
            ["--resp-listen", $":{RespCluster.Port}", "--api-key", $"doomed:writer:{DoomedKey}"]);
        var doomed = new List<RawRespClient>();
        foreach (var node in cluster.Nodes)
        {
            var client = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(node));
            Assert.Equal("+OK", await client.CallAsync("AUTH", DoomedKey));
            Assert.Equal("alive", await client.CallAsync("ECHO", "alive"));
            doomed.Add(client);
        }
        await using var admin = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(cluster.Node(1)));
        Assert.Equal("+OK", await admin.CallAsync("AUTH", TestCluster.AdminKey));

        using var revoke = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Node(3).Url, "/admin/api-keys/revoke"), new { names = new[] { "doomed" } });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var clock = Stopwatch.StartNew();
        var open = new List<RawRespClient>(doomed);
        await cluster.WaitAsync(async () =>
        {
            foreach (var client in open.ToArray())
            {
                var reply = await client.CallAsync("ECHO", "still here?");
                if (reply.StartsWith("-NOAUTH", StringComparison.Ordinal))
                {
                    Assert.True(await client.IsClosedAsync());
                    open.Remove(client);
                }
            }
            return open.Count == 0;
        }, TimeSpan.FromSeconds(15));
        Console.WriteLine($"every connection of the revoked key ended {clock.ElapsedMilliseconds} ms after the answer");

        Assert.Equal("alive", await admin.CallAsync("ECHO", "alive"));
        foreach (var client in doomed) await client.DisposeAsync();
    }
}
