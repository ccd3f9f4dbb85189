// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json;
using RaftCache.Node.Gateway;
using RaftCache.Node.Sharding;

namespace RaftCache.Node.Tests.Gateway;

/// <summary>The gateway's pure parts: its options, how it reads a member's cluster view, and whom it tries first.</summary>
public sealed class GatewayRoutingTests
{
    private static readonly Uri A = new("http://127.0.0.1:5001"), B = new("http://127.0.0.1:5002"), C = new("http://127.0.0.1:5003");

    [Fact]
    public void Options_need_seeds_and_name_the_bad_option()
    {
        Assert.Null(GatewayOptions.Parse([], _ => null, out var error));
        Assert.Contains("--seeds", error);
        Assert.Null(GatewayOptions.Parse(["--seeds", "ftp://x"], _ => null, out error));
        Assert.Contains("ftp://x", error);
        Assert.Null(GatewayOptions.Parse(["--seeds", A.ToString(), "--max-attempts", "0"], _ => null, out error));
        Assert.Contains("--max-attempts", error);

        var options = GatewayOptions.Parse(["--seeds", $"{A},{B}", "--listen", "http://127.0.0.1:7000"], v => v == GatewayOptions.DiscoveryKeyVariable ? "k" : null, out error);
        Assert.NotNull(options);
        Assert.Equal([A, B], options.Seeds);
        Assert.Equal("k", options.DiscoveryKey);
        Assert.Equal("http://127.0.0.1:7000", options.Listen);
    }

    [Fact]
    public void The_cluster_view_gives_members_with_addresses_and_each_shards_leader()
    {
        using var json = JsonDocument.Parse("""
            {"members":[{"id":1,"address":"http://127.0.0.1:5001","state":"active"},{"id":2,"address":null,"state":"joining"},
                        {"id":3,"address":"http://127.0.0.1:5003","state":"removed"}],
             "shards":[{"id":1,"slots":[0,8191],"leader":1,"extra":true},{"id":2,"slots":[8192,16383],"leader":0}]}
            """);

        Assert.True(ClusterViewReader.TryRead(json.RootElement, out var members, out var shards));

        Assert.Equal([(1UL, A)], members.Select(m => (m.Id, m.Address)));
        var view = new GatewayView(members, shards, null);
        Assert.Equal(1UL, view.LeaderOfSlot(8191));
        Assert.Equal(0UL, view.LeaderOfSlot(8192));
        using var nonsense = JsonDocument.Parse("""{"members": 3}""");
        Assert.False(ClusterViewReader.TryRead(nonsense.RootElement, out _, out _));
    }

    [Fact]
    public void The_keys_shard_leader_comes_first_and_members_found_down_last()
    {
        const string key = "user:{42}:cart";
        var slot = HashSlots.SlotOf(Encoding.UTF8.GetBytes("42"));
        var view = new GatewayView(
            [new GatewayMember(1, A, MemberHealth.Down), new GatewayMember(2, B, MemberHealth.Ready), new GatewayMember(3, C, MemberHealth.Live)],
            [new GatewayShard(1, 0, HashSlots.Count - 1, 3)],
            null);

        for (var i = 0; i < 5; i++) Assert.Equal([C, B, A], GatewayRouter.Candidates(view, "/keys/" + Uri.EscapeDataString(key)));
        Assert.Equal(3UL, view.LeaderOfSlot(slot));

        // Without a key, ready members before live ones, and never the down one first.
        Assert.Equal([B, C, A], GatewayRouter.Candidates(view, "/admin/cluster"));
        var downLeader = view with { Members = [new GatewayMember(1, A, MemberHealth.Ready), new GatewayMember(3, C, MemberHealth.Down)] };
        Assert.Equal([A, C], GatewayRouter.Candidates(downLeader, "/keys/" + Uri.EscapeDataString(key)));
    }

    [Fact]
    public void Requests_without_a_leader_preference_are_spread_over_ready_members()
    {
        var view = new GatewayView([new GatewayMember(1, A, MemberHealth.Ready), new GatewayMember(2, B, MemberHealth.Ready)], [], null);

        var firsts = Enumerable.Range(0, 10).Select(_ => GatewayRouter.Candidates(view, "/health")[0]).ToHashSet();

        Assert.Equal([A, B], firsts.OrderBy(u => u.Port));
    }
}
