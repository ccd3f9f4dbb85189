// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using RaftCache.Node.Membership;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Membership;

/// <summary>Self-admission with join tokens on real node processes: no admin call, and every bad token refused with a reason.</summary>
public sealed class JoinTokenClusterTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Nodes_with_a_token_admit_themselves_and_a_spent_wrong_or_expired_one_is_refused_with_exit_code_4()
    {
        await using var cluster = await TestCluster.StartAsync(3, "--auth-failure-limit", "4");
        var token = JoinToken.Mint(TestCluster.ClusterSecret, TimeSpan.FromMinutes(10), 2, TimeProvider.System);

        var first = cluster.StartJoiner("--join-token", token);
        var second = cluster.StartJoiner("--join-token", token);
        await cluster.WaitReadyAsync([first, second], Within);
        var members = (await cluster.ClusterViewAsync(cluster.Nodes[0])).GetProperty("members").EnumerateArray()
            .Select(m => m.GetProperty("address").GetString()).ToHashSet();
        Assert.Contains(first.Url.ToString().TrimEnd('/'), members);
        Assert.Contains(second.Url.ToString().TrimEnd('/'), members);

        var spent = cluster.StartJoiner("--join-token", token);
        Assert.Equal(ExitCodes.JoinRefused, await spent.WaitForExitAsync(Within));
        Assert.Contains("already used 2 time(s)", spent.Log);

        var foreign = cluster.StartJoiner("--join-token", JoinToken.Mint("some-other-cluster-secret-0123456789", TimeSpan.FromMinutes(10), 1, TimeProvider.System));
        Assert.Equal(ExitCodes.JoinRefused, await foreign.WaitForExitAsync(Within));
        Assert.Contains("not valid for this cluster", foreign.Log);

        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var expired = cluster.StartJoiner("--join-token", JoinToken.Mint(TestCluster.ClusterSecret, TimeSpan.FromHours(1), 1, past));
        Assert.Equal(ExitCodes.JoinRefused, await expired.WaitForExitAsync(Within));
        Assert.Contains("expired", expired.Log);
        Assert.Equal(5, (await cluster.ClusterViewAsync(cluster.Nodes[0])).GetProperty("members").GetArrayLength());

        // Refused like a wrong API key: 401 with the challenge, counted against the caller until it gets 429.
        var target = new Uri(cluster.Nodes[2].Url, "/admin/join-requests");
        using var anonymous = new HttpClient();
        var request = new { token = "rcj1.1.1.AAAAAAAAAAAA.AAAA", address = "http://127.0.0.1:1", peer_address = "127.0.0.1:2" };
        using (var refused = await anonymous.PostAsJsonAsync(target, request))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.True(refused.Headers.WwwAuthenticate.Count > 0);
        }
        var status = HttpStatusCode.Unauthorized;
        for (var i = 0; i < 6 && status != HttpStatusCode.TooManyRequests; i++)
        {
            using var again = await anonymous.PostAsJsonAsync(target, request);
            status = again.StatusCode;
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
    }

    [Fact]
    public async Task Eight_members_keep_five_metadata_voters_spread_shards_and_leaders_and_a_drained_voter_is_replaced()
    {
        await using var cluster = await TestCluster.StartAsync(3, "--shards", "8", "--max-moves", "4");
        var token = JoinToken.Mint(TestCluster.ClusterSecret, TimeSpan.FromMinutes(10), 5, TimeProvider.System);
        // One after the other, so each gets the next id and process n is member n (the balance check relies on it).
        for (var i = 0; i < 5; i++) await cluster.WaitReadyAsync([cluster.StartJoiner("--join-token", token)], TimeSpan.FromSeconds(120));
        await cluster.WaitBalancedAsync(cluster.Nodes, 3, TimeSpan.FromSeconds(180));

        var (voters, learners) = await MetadataConfigurationAsync(cluster, cluster.Nodes[0]);
        Assert.Equal(5, voters.Count);
        Assert.Equal(3, learners.Count);
        Assert.Equal(8, voters.Union(learners).Count());
        var view = await cluster.ClusterViewAsync(cluster.Nodes[0]);
        Assert.All(view.GetProperty("members").EnumerateArray(), m => Assert.Equal("active", m.GetProperty("state").GetString()));

        var drained = voters.Max();
        var staying = cluster.Nodes.Where(n => (ulong)n.Id != drained).ToList();
        await cluster.RemoveNodeAsync(staying[0], drained, TimeSpan.FromSeconds(180));
        await cluster.WaitAsync(async () => (await MetadataConfigurationAsync(cluster, staying[0])).Voters.Count == 5, TimeSpan.FromSeconds(60));
        (voters, learners) = await MetadataConfigurationAsync(cluster, staying[0]);
        Assert.DoesNotContain(drained, voters.Union(learners));
        Assert.Equal(2, learners.Count);
    }

    private static async Task<(HashSet<ulong> Voters, HashSet<ulong> Learners)> MetadataConfigurationAsync(TestCluster cluster, NodeProcess node)
    {
        var conf = (await cluster.ClusterViewAsync(node)).GetProperty("metadata_configuration");
        return (conf.GetProperty("voters").EnumerateArray().Select(v => v.GetUInt64()).ToHashSet(),
            conf.GetProperty("learners").EnumerateArray().Select(v => v.GetUInt64()).ToHashSet());
    }
}
