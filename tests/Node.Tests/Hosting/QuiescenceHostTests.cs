// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;
using RaftCache.Raft;
using RaftCache.StateMachine;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>
/// Quiescence through the production host: an idle group goes quiet on every member, and when its leader's host stops,
/// the followers' node liveness wakes them and they elect without any traffic of the group to prompt them.
/// </summary>
public sealed class QuiescenceHostTests
{
    private static readonly HostOptions Quick = new() { NodeId = 0, QuiesceTicks = 2, LivenessTicks = 3 };

    [Fact]
    public async Task An_idle_group_quiesces_on_every_member_and_wakes_for_a_put()
    {
        await using var hosts = new SnapshotHosts();
        var members = new[] { hosts.Add(1, Quick), hosts.Add(2, Quick), hosts.Add(3, Quick) };
        foreach (var m in members) await hosts.StartAsync(m);
        await hosts.PutAsync(0, 3);
        await hosts.DriveUntilAsync(() => members.All(m => m.Host.QuiescedGroups == 1), "every host counts its replica quiesced");
        Assert.All(members, m => Assert.True(m.Replica.Node.Quiesced));

        await hosts.PutAsync(3, 1);
        await hosts.DriveUntilAsync(() => members.All(m => m.Replica.Node.Quiesced), "every replica quiesced again");
        // The marker carries the commit index: a quiet follower has applied everything.
        Assert.All(members, m => Assert.Equal(4, CountKeys(m)));
    }

    [Fact]
    public async Task Followers_of_a_quiesced_group_elect_a_new_leader_after_the_leaders_host_stops()
    {
        await using var hosts = new SnapshotHosts();
        var members = new[] { hosts.Add(1, Quick), hosts.Add(2, Quick), hosts.Add(3, Quick) };
        foreach (var m in members) await hosts.StartAsync(m);
        await hosts.PutAsync(0, 2);
        await hosts.DriveUntilAsync(() => members.All(m => m.Replica.Node.Quiesced), "every replica quiesced");
        var old = hosts.Leader;
        var term = old.Replica.Node.Status().HardState.Term;

        old.Started = false;
        try
        {
            await old.Host.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
            // A frame still in flight reached the stopped host's closed inbox: it is gone either way.
        }
        var rest = members.Where(m => m != old).ToList();
        await hosts.DriveUntilAsync(() => rest.Any(m => m.Replica.Role == RaftRole.Leader), "a new leader among the followers", maxRounds: 2_000);
        Assert.True(rest.Single(m => m.Replica.Role == RaftRole.Leader).Replica.Node.Status().HardState.Term > term);
        await hosts.PutAsync(2, 1);
    }

    [Fact]
    public async Task An_idle_node_ticks_sparsely_counts_the_clock_and_ticks_every_tick_again_for_a_put()
    {
        await using var hosts = new SnapshotHosts();
        var members = new[] { hosts.Add(1, Quick), hosts.Add(2, Quick), hosts.Add(3, Quick) };
        foreach (var m in members) await hosts.StartAsync(m);
        await hosts.PutAsync(0, 2);
        await hosts.DriveUntilAsync(() => members.All(m => m.Host.SparseTicks), "every host ticking sparsely");
        Assert.All(members, m => Assert.True(m.Replica.Node.Quiesced));

        // Three seconds of the clock still count as thirty ticks, less the last firing when it is not yet handled.
        var before = members.Select(m => m.Host.Ticks).ToArray();
        var until = hosts.Time.GetUtcNow() + TimeSpan.FromSeconds(3);
        await hosts.DriveUntilAsync(() => hosts.Time.GetUtcNow() >= until, "three seconds of the clock");
        for (var i = 0; i < members.Length; i++) Assert.InRange(members[i].Host.Ticks - before[i], 27, 30);
        Assert.All(members, m => Assert.True(m.Host.SparseTicks && m.Replica.Node.Quiesced));

        var proposal = hosts.Leader.Host.ProposeAsync(SnapshotHosts.Group, CommandCodec.EncodePut(SnapshotHosts.Key(9), SnapshotHosts.Value(9), "text/plain"u8, 0), CancellationToken.None);
        await hosts.DriveUntilAsync(() => proposal.IsCompleted, "the put applied");
        Assert.Equal(ProposalStatus.Applied, (await proposal).Status);
        Assert.False(hosts.Leader.Host.SparseTicks);
        await hosts.DriveUntilAsync(() => members.All(m => m.Host.SparseTicks && m.Replica.Node.Quiesced), "sparse again once quiet");
    }

    private static int CountKeys(SnapshotHosts.Member member) =>
        Enumerable.Range(0, 4).Count(i => member.State.TryGet(SnapshotHosts.Key(i), 0, out _));
}
