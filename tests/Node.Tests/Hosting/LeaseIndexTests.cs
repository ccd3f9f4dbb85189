// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>
/// Read indexes from the leader's lease (RaftHost.LeaseIndex.cs), on production hosts stepped by the test with the
/// clock held still, so the lease earned at the start holds throughout and no tick sends a heartbeat of its own.
/// </summary>
public sealed class LeaseIndexTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_followers_linearizable_read_in_a_group_of_three_is_confirmed_without_a_heartbeat_round(bool fromLease)
    {
        // From the lease (the host answers), or else because the asker's request and the leader are a quorum (the core).
        await using var hosts = new SnapshotHosts();
        var observers = await StartCountingRoundsAsync(hosts, fromLease);
        var leader = await LeaderWithLeaseAsync(hosts);
        var follower = hosts.Members.First(m => m != leader);
        var rounds = observers[leader.Host.NodeId].Count;

        var read = follower.Host.ReadIndexAsync(SnapshotHosts.Group, CancellationToken.None);
        await hosts.DriveUntilAsync(() => read.IsCompleted, "the follower's read confirmed", holdClock: true);

        Assert.True(await read);
        Assert.True(follower.State.AppliedIndex >= leader.Replica.Node.Committed, "the follower answered before applying the read index");
        Assert.Equal(rounds, observers[leader.Host.NodeId].Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_leaders_own_linearizable_read_gets_a_heartbeat_round_unless_read_indexes_come_from_the_lease(bool fromLease)
    {
        await using var hosts = new SnapshotHosts();
        var observers = await StartCountingRoundsAsync(hosts, fromLease);
        var leader = await LeaderWithLeaseAsync(hosts);
        var rounds = observers[leader.Host.NodeId].Count;

        var read = leader.Host.ReadIndexAsync(SnapshotHosts.Group, CancellationToken.None);
        await hosts.DriveUntilAsync(() => read.IsCompleted, "the leader's read confirmed", holdClock: true);

        Assert.True(await read);
        if (fromLease) Assert.Equal(rounds, observers[leader.Host.NodeId].Count);
        else Assert.True(observers[leader.Host.NodeId].Count > rounds, "without leases the leader confirmed its own read index with no heartbeat round");
    }

    [Fact]
    public async Task A_followers_lease_read_takes_its_read_index_from_the_leaders_lease()
    {
        // Default settings (read indexes not from the lease): a follower's lease read marks its ReadIndex request as
        // one, and the leader's host answers it from its lease.
        await using var hosts = new SnapshotHosts();
        var observers = await StartCountingRoundsAsync(hosts, fromLease: false);
        var leader = await LeaderWithLeaseAsync(hosts);
        var follower = hosts.Members.First(m => m != leader);
        var rounds = observers[leader.Host.NodeId].Count;

        var read = follower.Host.LeaseReadAsync(SnapshotHosts.Group, CancellationToken.None);
        await hosts.DriveUntilAsync(() => read.IsCompleted, "the follower's lease read confirmed", holdClock: true);

        Assert.True(await read);
        Assert.True(follower.State.AppliedIndex >= leader.Replica.Node.Committed, "the follower answered before applying the read index");
        Assert.Equal(rounds, observers[leader.Host.NodeId].Count);
    }

    [Fact]
    public async Task A_lease_read_on_the_leader_is_answered_on_the_callers_thread_until_a_transfer_withdraws_the_lease()
    {
        await using var hosts = new SnapshotHosts();
        foreach (var id in new ulong[] { 1, 2, 3 }) await hosts.StartAsync(hosts.Add(id));
        var leader = await LeaderWithLeaseAsync(hosts);

        // No loop iteration runs between the call and the check: only the published lease can have answered it.
        var served = leader.Host.LeaseReadAsync(SnapshotHosts.Group, CancellationToken.None);
        Assert.True(served.IsCompletedSuccessfully);
        Assert.True(await served);

        // The transferee may be elected at once, ignoring leases: the lease is withdrawn before TimeoutNow leaves.
        leader.Replica.Node.TransferLeadership(hosts.Members.First(m => m != leader).Host.NodeId);
        leader.Host.RunOnce();
        var after = leader.Host.LeaseReadAsync(SnapshotHosts.Group, CancellationToken.None);
        Assert.False(after.IsCompleted, "a lease read was answered from a lease its leader gave up by starting a transfer");
    }

    /// <summary>A leader, one applied write, and a lease earned by a lease read that the leader confirmed with a quorum round.</summary>
    private static async Task<SnapshotHosts.Member> LeaderWithLeaseAsync(SnapshotHosts hosts)
    {
        await hosts.PutAsync(0, 1);
        var leader = hosts.Leader;
        var earned = leader.Host.LeaseReadAsync(SnapshotHosts.Group, CancellationToken.None);
        await hosts.DriveUntilAsync(() => earned.IsCompleted, "the lease earned", holdClock: true);
        Assert.True(await earned);
        return leader;
    }

    /// <summary>Counts the heartbeats a host sends to confirm read indexes (they carry a read context).</summary>
    /// <summary>Starts members 1–3, each counting the read-confirming heartbeat rounds its core sends.</summary>
    private static async Task<Dictionary<ulong, ReadRounds>> StartCountingRoundsAsync(SnapshotHosts hosts, bool fromLease)
    {
        var observers = new Dictionary<ulong, ReadRounds>();
        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            observers[id] = new ReadRounds();
            await hosts.StartAsync(hosts.Add(id, new HostOptions { NodeId = id, ReadIndexFromLease = fromLease }, observers[id]));
        }
        return observers;
    }

    private sealed class ReadRounds : IHostObserver
    {
        public int Count { get; private set; }

        public void ReadyTaken(GroupReplica replica, Ready ready) =>
            Count += ready.Messages.Count(m => m.Type == MessageType.Heartbeat && m.Context != 0);

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
