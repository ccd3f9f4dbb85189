// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>
/// A leader's answer to a follower's ReadIndex request is taken on the thread that receives it
/// (RaftHost.ReadAnswers.cs): the follower's reads are answered there once its replica has applied the answer's index,
/// and only then. Production hosts over the in-memory network, stepped by the test.
/// </summary>
public sealed class FollowerReadAnswerTests
{
    [Fact]
    public async Task A_followers_read_is_answered_when_the_leaders_answer_arrives_with_no_iteration_of_its_own_loop()
    {
        await using var hosts = await StartedAsync();
        var leader = hosts.Leader;
        var follower = hosts.Members.First(m => m != leader);

        var read = follower.Host.ReadIndexAsync(SnapshotHosts.Group, CancellationToken.None, continueInline: true);
        // One iteration sends the request; from here on only the leader is stepped.
        follower.Host.RunOnce();
        Assert.False(read.IsCompleted);
        // The answer reaches the follower on the in-memory network's delivery task, never through its loop.
        await hosts.DriveUntilAsync(() => read.IsCompleted, "the follower's read answered with only the leader stepped", maxRounds: 2_000, holdClock: true, only: leader);
        Assert.True(await read);
        Assert.True(follower.State.AppliedIndex >= leader.Replica.Node.Committed, "the follower answered before applying the read index");
    }

    [Fact]
    public async Task An_answer_beyond_what_the_follower_applied_waits_until_it_applied_that_far()
    {
        await using var hosts = await StartedAsync();
        var leader = hosts.Leader;
        var follower = hosts.Members.First(m => m != leader);
        var read = follower.Host.ReadIndexAsync(SnapshotHosts.Group, CancellationToken.None, continueInline: true);
        follower.Host.RunOnce();
        var request = Assert.Single(follower.Replica.ReadRequests.Keys);

        // The leader's answer names an index one past what the follower applied (a follower that lags behind).
        var index = follower.State.AppliedIndex + 1;
        follower.Host.Deliver(leader.Host.NodeId, [new GroupMessage(SnapshotHosts.Group, new Message
        {
            Type = MessageType.ReadIndexResponse, From = leader.Host.NodeId, To = follower.Host.NodeId,
            Index = index, Context = request,
        })]);
        Assert.False(read.IsCompleted, "a read was answered before its replica applied the read index");

        ulong appliedWhenAnswered = 0;
        _ = read.ContinueWith(_ => appliedWhenAnswered = follower.State.AppliedIndex, TaskContinuationOptions.ExecuteSynchronously);
        await hosts.PutAsync(1, 1);
        await hosts.DriveUntilAsync(() => read.IsCompleted, "the lagging follower's read answered");

        Assert.True(await read);
        Assert.True(appliedWhenAnswered >= index, $"answered at applied index {appliedWhenAnswered}, below the read index {index}");
    }

    private static async Task<SnapshotHosts> StartedAsync()
    {
        var hosts = new SnapshotHosts();
        foreach (var id in new ulong[] { 1, 2, 3 }) await hosts.StartAsync(hosts.Add(id));
        await hosts.PutAsync(0, 1);
        await hosts.DriveUntilAsync(() => hosts.Members.All(m => m.State.AppliedIndex == hosts.Leader.Replica.Node.Committed), "every replica applied the put");
        return hosts;
    }
}
