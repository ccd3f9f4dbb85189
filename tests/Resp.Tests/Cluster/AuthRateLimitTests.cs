// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>Failed AUTH attempts count against the same per-address limit as REST's failed logins.</summary>
public sealed class AuthRateLimitTests
{
    [Fact]
    public async Task After_the_failure_limit_even_a_right_key_is_refused_over_resp_and_rest()
    {
        await using var cluster = await TestCluster.StartAsync(1, "--replication-factor", "1", "--resp-listen", $":{RespCluster.Port}", "--auth-failure-limit", "3");
        await using var client = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(cluster.Node(1)));
        for (var i = 0; i < 3; i++) Assert.StartsWith("-WRONGPASS", await client.CallAsync("AUTH", $"wrong-key-number-{i:D4}"));
        Assert.StartsWith("-ERR too many failed authentication attempts", await client.CallAsync("AUTH", TestCluster.AdminKey));
        Assert.StartsWith("-NOAUTH", await client.CallAsync("GET", "k"));

        // The same window refuses the address on REST too: one limit per address, whichever protocol failed.
        var rest = await cluster.Http.GetAsync(new Uri(cluster.Node(1).Url, "/keys/k"));
        Assert.Equal(429, (int)rest.StatusCode);
    }
}
