// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>
/// One ReadIndex request in flight per group and kind (RaftHost.Reads.cs): reads arriving while it is unanswered
/// wait for it and then go out as one request. Linearizable reads on a follower: the leader answers them only on
/// its loop, which runs only when the test drives it.
/// </summary>
public sealed class ReadBatchingTests
{
    [Fact]
    public async Task Reads_collected_while_a_read_index_is_in_flight_go_out_as_one_request_once_it_is_answered()
    {
        await using var hosts = new SnapshotHosts();
        var asked = new ReadIndexRequests();
        var follower = await StartWithFollowerAsync(hosts, asked);

        var first = follower.Host.ReadIndexAsync(SnapshotHosts.Group, CancellationToken.None);
        follower.Host.RunOnce();
        var second = follower.Host.ReadIndexAsync(SnapshotHosts.Group, CancellationToken.None);
        follower.Host.RunOnce();
        var third = follower.Host.ReadIndexAsync(SnapshotHosts.Group, CancellationToken.None);
        follower.Host.RunOnce();
        Assert.Equal(1, asked.Count);

        await hosts.DriveUntilAsync(() => first.IsCompleted && second.IsCompleted && third.IsCompleted, "the three reads confirmed", holdClock: true);

        Assert.True(await first && await second && await third);
        Assert.Equal(2, asked.Count);
    }

    [Fact]
    public async Task A_read_index_unanswered_for_two_ticks_no_longer_holds_back_the_next_batch()
    {
        await using var hosts = new SnapshotHosts();
        var asked = new ReadIndexRequests();
        var follower = await StartWithFollowerAsync(hosts, asked);

        // The leader's loop never runs here: the first request stays unanswered.
        _ = follower.Host.ReadIndexAsync(SnapshotHosts.Group, CancellationToken.None);
        follower.Host.RunOnce();
        _ = follower.Host.ReadIndexAsync(SnapshotHosts.Group, CancellationToken.None);
        follower.Host.RunOnce();
        Assert.Equal(1, asked.Count);

        for (var tick = 0; tick < 2; tick++)
        {
            hosts.Time.Advance(TimeSpan.FromMilliseconds(100));
            follower.Host.RunOnce();
        }

        Assert.Equal(2, asked.Count);
    }

    /// <summary>Three started hosts with a leader and one write applied everywhere; the follower's ReadIndex requests are counted from then on.</summary>
    private static async Task<SnapshotHosts.Member> StartWithFollowerAsync(SnapshotHosts hosts, ReadIndexRequests asked)
    {
        var members = new ulong[] { 1, 2, 3 }.Select(id => hosts.Add(id, new HostOptions { NodeId = id }, asked.For(id))).ToList();
        foreach (var member in members) await hosts.StartAsync(member);
        await hosts.PutAsync(0, 1);
        var leader = hosts.Leader;
        var follower = hosts.Members.First(m => m != leader);
        await hosts.DriveUntilAsync(() => follower.State.AppliedIndex >= leader.Replica.Node.Committed, "the follower caught up");
        asked.Watch(follower.Host.NodeId);
        return follower;
    }

    /// <summary>Counts the ReadIndex requests one watched host hands to its peers.</summary>
    private sealed class ReadIndexRequests
    {
        private ulong _watched;

        public int Count { get; private set; }

        public void Watch(ulong node) => _watched = node;

        public IHostObserver For(ulong node) => new Observer(this, node);

        private sealed class Observer(ReadIndexRequests owner, ulong node) : IHostObserver
        {
            public void ReadyTaken(GroupReplica replica, Ready ready)
            {
                if (node == owner._watched) owner.Count += ready.Messages.Count(m => m.Type == MessageType.ReadIndex);
            }

            public void Persisted(GroupReplica replica, Ready ready)
            {
            }

            public void Applying(GroupReplica replica, Entry entry)
            {
            }

            public void Applied(GroupReplica replica, Entry entry, CommandResult result)
            {
            }

            public void Advanced(GroupReplica replica)
            {
            }

            public void SnapshotInstalled(GroupReplica replica, Snapshot snapshot)
            {
            }

            public void SnapshotTaken(GroupReplica replica, SnapshotMetadata metadata, byte[] data)
            {
            }
        }
    }
}
