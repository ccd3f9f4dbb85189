// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Tests.Hosting;

/// <summary>
/// A follower's lease reads answered by the leader on the thread that received them (RaftHost.LeaseAnswers.cs): only
/// the follower's loop is stepped, so nothing but the leader's receive path can answer.
/// </summary>
public sealed class LeaseAnswerTests
{
    [Fact]
    public async Task A_followers_lease_read_is_answered_by_the_leader_without_a_leader_loop_iteration()
    {
        await using var hosts = new SnapshotHosts();
        foreach (var id in new ulong[] { 1, 2, 3 }) await hosts.StartAsync(hosts.Add(id));
        var leader = await LeaseIndexTests.LeaderWithLeaseAsync(hosts);
        var follower = hosts.Members.First(m => m != leader);
        await hosts.DriveUntilAsync(() => follower.State.AppliedIndex >= leader.Replica.Node.Committed, "the follower caught up", holdClock: true);

        var read = follower.Host.LeaseReadAsync(SnapshotHosts.Group, CancellationToken.None);
        var completed = await StepOnlyAsync(follower, () => read.IsCompleted);

        Assert.True(completed, "the follower's lease read waited for the leader's loop");
        Assert.True(await read);
        Assert.True(follower.State.AppliedIndex >= leader.Replica.Node.Committed, "the follower answered before applying the read index");
    }

    [Fact]
    public async Task A_leader_that_gave_up_its_lease_leaves_a_followers_read_to_its_loop()
    {
        await using var hosts = new SnapshotHosts();
        foreach (var id in new ulong[] { 1, 2, 3 }) await hosts.StartAsync(hosts.Add(id));
        var leader = await LeaseIndexTests.LeaderWithLeaseAsync(hosts);
        var followers = hosts.Members.Where(m => m != leader).ToList();
        await hosts.DriveUntilAsync(() => followers[0].State.AppliedIndex >= leader.Replica.Node.Committed, "the follower caught up", holdClock: true);
        // A transfer withdraws the lease; the loop publishes that before TimeoutNow leaves, and runs no more here.
        leader.Replica.Node.TransferLeadership(followers[1].Host.NodeId);
        leader.Host.RunOnce();

        var read = followers[0].Host.LeaseReadAsync(SnapshotHosts.Group, CancellationToken.None);
        var completed = await StepOnlyAsync(followers[0], () => read.IsCompleted, rounds: 200);

        Assert.False(completed, "a read index was given from a lease its leader had given up");
    }

    /// <summary>Steps one host until <paramref name="done"/> holds or the rounds run out; peer frames arrive on the network's tasks meanwhile.</summary>
    private static async Task<bool> StepOnlyAsync(SnapshotHosts.Member member, Func<bool> done, int rounds = 2_000)
    {
        for (var round = 0; round < rounds && !done(); round++)
        {
            if (member.Host.RunOnce() == 0) await Task.Delay(1);
        }
        return done();
    }
}
