// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Lease reads: a leader answers from its own state, without a quorum round, while its lease holds. The lease is
/// earned by a ReadIndex confirmation: a quorum acknowledged a heartbeat sent after the request was asked at host
/// time <c>t</c>, so each of them heard from this leader at or after <c>t</c> and, with check-quorum, refuses every
/// other candidate for an election timeout of its own ticks (and a restarted one for an election timeout after its
/// start, <see cref="RaftConfig.RefuseVotesAfterStart"/>). No other leader can exist before <c>t</c> plus that
/// timeout as measured by the slowest of those clocks; the lease ends earlier by the drift margin
/// (<see cref="HostOptions.LeaseClockDrift"/>) and one tick of granularity. The host's clock is monotonic real time,
/// so a leader paused past its lease finds it expired. A leader that started a leadership transfer holds no lease
/// (the transferee is elected at once, ignoring leases).
/// </summary>
public sealed partial class RaftHost
{
    /// <summary>
    /// A lease read: on a group this node leads while its lease holds, completes once this replica applied the
    /// leader's commit index, without a quorum round; otherwise it joins the iteration's ReadIndex batch
    /// (<see cref="ReadIndexAsync"/>), whose confirmation on a leader also renews the lease. False when it could not
    /// be confirmed (no leader, leadership moved): the caller routes again. <paramref name="continueInline"/> as for
    /// <see cref="ReadIndexAsync"/>.
    /// </summary>
    public Task<bool> LeaseReadAsync(ulong groupId, CancellationToken cancellationToken, bool continueInline = false)
    {
        if (TryConfirmFromLease(groupId)) return Confirmed;
        var completion = new TaskCompletionSource<bool>(continueInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => LeaseRead(groupId, completion));
        return completion.Task.WaitAsync(cancellationToken);
    }

    private void LeaseRead(ulong groupId, TaskCompletionSource<bool> completion)
    {
        if (!_groups.TryGetValue(groupId, out var replica))
        {
            completion.TrySetResult(false);
            return;
        }
        var now = _time.GetTimestamp();
        replica.LastLeaseRead = now;
        var term = replica.Node.LeaseTerm;
        if (term == 0 || term != replica.LeaseTerm || now >= replica.LeaseUntil)
        {
            CollectRead(groupId, completion, lease: true);
            return;
        }
        var committed = replica.Node.Committed;
        if (replica.StateMachine.AppliedIndex >= committed)
        {
            completion.TrySetResult(true);
            return;
        }
        var batch = new ReadBatch();
        batch.Add(completion);
        replica.ReadsAwaitingApply.Add((committed, batch));
    }

    /// <summary>A ReadIndex request was issued at host time <paramref name="asked"/>: on a leader that may hold a lease, its confirmation renews it.</summary>
    private static void NoteLeaseRenewal(GroupReplica replica, ulong requestId, long asked)
    {
        var term = replica.Node.LeaseTerm;
        if (term != 0) replica.LeaseRenewals[requestId] = (asked, term);
    }

    private long LeaseTicks()
    {
        var tick = _options.Tick.TotalSeconds * _time.TimestampFrequency;
        if ((_options.PlantedBugs & PlantedBugs.LeaseWithoutDriftMargin) != 0) return (long)(_options.ElectionTicks * tick);
        var drift = _options.LeaseClockDrift;
        return (long)((_options.ElectionTicks - 1) * tick * (1 - drift) / (1 + drift));
    }

    /// <summary>A ReadIndex confirmation arrived: if it was asked to renew a lease in the current leadership, the lease runs from when it was asked.</summary>
    private void OnLeaseConfirmed(GroupReplica replica, ulong requestId)
    {
        if (!replica.LeaseRenewals.Remove(requestId, out var renewal)) return;
        if (renewal.Term != replica.Node.LeaseTerm) return;
        var until = renewal.Asked + LeaseTicks();
        if (replica.LeaseTerm != renewal.Term || until > replica.LeaseUntil) (replica.LeaseTerm, replica.LeaseUntil) = (renewal.Term, until);
    }

    /// <summary>
    /// At every tick: a leader whose lease is in use and past half its length asks for one confirmation (a heartbeat
    /// round) so steady lease reads never wait for a quorum. Renewals of an old leadership, or unanswered for a lease
    /// length (a lost heartbeat), are forgotten.
    /// </summary>
    private void RenewLeases()
    {
        var now = _time.GetTimestamp();
        var length = LeaseTicks();
        foreach (var replica in _groups.Values)
        {
            if (replica.LeaseRenewals.Count > 0) ForgetStaleRenewals(replica, now - length);
            if (replica.LastLeaseRead == 0 || now - replica.LastLeaseRead > length) continue;
            var term = replica.Node.LeaseTerm;
            if (term == 0 || replica.LeaseRenewals.Count > 0) continue;
            if (term == replica.LeaseTerm && replica.LeaseUntil - now > length / 2) continue;
            var requestId = ++_nextReadId;
            if (replica.Node.ReadIndex(requestId).IsAccepted) replica.LeaseRenewals[requestId] = (now, term);
        }
    }

    private static void ForgetStaleRenewals(GroupReplica replica, long askedBefore)
    {
        var term = replica.Node.LeaseTerm;
        foreach (var (id, renewal) in replica.LeaseRenewals.ToArray())
        {
            if (renewal.Term != term || renewal.Asked < askedBefore) replica.LeaseRenewals.Remove(id);
        }
    }
}
