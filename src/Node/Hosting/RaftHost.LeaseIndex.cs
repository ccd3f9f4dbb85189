// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Read indexes from the lease (RaftHost.Lease.cs): while a leader holds its lease no other leader can exist, so its
/// commit index is the group's without a heartbeat round. A follower's ReadIndex request is answered at once, and a
/// read on the leader is confirmed on the caller's thread, with no hop to the loop, when the loop last published a
/// valid lease and this replica has applied every index the leader has told anyone of.
/// </summary>
public sealed partial class RaftHost
{
    private static readonly Task<bool> Confirmed = Task.FromResult(true);

    /// <summary>
    /// True when a read of <paramref name="groupId"/> may be served from this replica now, on the caller's thread: it
    /// leads under a published lease (a <paramref name="linearizable"/> read only with <see cref="HostOptions.ReadIndexFromLease"/>).
    /// </summary>
    internal bool TryConfirmReadNow(ulong groupId, bool linearizable) => (!linearizable || _options.ReadIndexFromLease) && TryConfirmFromLease(groupId);

    /// <summary>True when a read of <paramref name="groupId"/> on this replica may be served now from the published lease.</summary>
    private bool TryConfirmFromLease(ulong groupId)
    {
        if (TryGetReplica(groupId) is not { } replica) return false;
        var now = _time.GetTimestamp();
        if (now >= replica.ReadableUntil) return false;
        // Applied up to every index a message or answer has carried: no reader anywhere has seen a newer state.
        if (replica.StateMachine.AppliedIndex < replica.PublishedCommit) return false;
        replica.LastLeaseRead = now;
        return true;
    }

    /// <summary>
    /// Before anything leaves the loop: what a reader off the loop may rely on. The commit index first: a message
    /// may carry it (a read index, a heartbeat's commit) to a replica that serves a newer state from it.
    /// </summary>
    private void PublishLeaseReads()
    {
        foreach (var replica in _groups.Values)
        {
            replica.PublishedCommit = replica.Node.Committed;
            var term = replica.Node.LeaseTerm;
            replica.ReadableUntil = term != 0 && term == replica.LeaseTerm ? replica.LeaseUntil : 0;
        }
    }

    /// <summary>
    /// A follower's ReadIndex request reached this replica: when it leads and holds its lease, the answer (its commit
    /// index, which the leader of the lease's term has committed an entry of) leaves with this iteration's messages,
    /// and the core never sees the request. False: step it into the core, which confirms it by a quorum.
    /// </summary>
    private bool TryAnswerReadIndexFromLease(GroupReplica replica, Message request)
    {
        if (request.Type != MessageType.ReadIndex || !(_options.ReadIndexFromLease || (request.Context & LeaseReadBit) != 0)) return false;
        var term = replica.Node.LeaseTerm;
        if (term == 0) return false;
        var now = _time.GetTimestamp();
        // Followers' reads keep the lease renewed in the background, as the leader's own lease reads do.
        replica.LastLeaseRead = now;
        if (term != replica.LeaseTerm || now >= replica.LeaseUntil) return false;
        Route(replica, [new Message
        {
            Type = MessageType.ReadIndexResponse, From = NodeId, To = request.From, Term = term,
            Index = replica.Node.Committed, Context = request.Context,
        }]);
        return true;
    }
}
