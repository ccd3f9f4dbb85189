// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Hosting;

public sealed partial class RaftHost
{
    // Groups with reads collected in the current iteration, in arrival order.
    private readonly List<GroupReplica> _collectingReads = [];
    private long _ticks;

    /// <summary>A follower's ReadIndex request for a batch of lease reads reached this node (on the loop): (group, from member).</summary>
    public Action<ulong, ulong>? LeaseReadIndexReceived { get; set; }

    /// <summary>
    /// Confirms a linearizable read on any replica of a group (ReadIndex: the leader confirms its commit index by a
    /// quorum; a follower asks the leader for it) and waits until this replica applied up to that index.
    /// Reads of one group arriving in the same iteration share one ReadIndex request. False when it could not be
    /// confirmed (no leader, leadership moved, no answer within an election timeout): the caller routes again. With
    /// <see cref="HostOptions.ReadIndexFromLease"/> a leader holding its lease confirms at once, as a lease read.
    /// With <paramref name="continueInline"/> the caller's continuation runs on the thread that confirms the read (the
    /// loop, or the thread that received a leader's answer) and saves a thread-pool hop per read: only for a
    /// continuation that is short and never blocks (serving the read and queueing its reply).
    /// </summary>
    public Task<bool> ReadIndexAsync(ulong groupId, CancellationToken cancellationToken, bool continueInline = false)
    {
        if (_options.ReadIndexFromLease) return LeaseReadAsync(groupId, cancellationToken, continueInline);
        var completion = new TaskCompletionSource<bool>(continueInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => CollectRead(groupId, completion));
        // An abandoned read stays in its batch until the batch is answered or expires (a few ticks): no per-read cleanup.
        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the ReadIndex request of a batch of <c>lease</c> reads: a leader holding its lease may answer it from the
    /// lease, as it serves its own lease reads; a request without the mark is confirmed by a quorum unless
    /// <see cref="HostOptions.ReadIndexFromLease"/>. Request ids are seeded below it.
    /// </summary>
    internal const ulong LeaseReadBit = 1UL << 63;

    private void CollectRead(ulong groupId, TaskCompletionSource<bool> completion, bool lease = false)
    {
        if (!_groups.TryGetValue(groupId, out var replica))
        {
            completion.TrySetResult(false);
            return;
        }
        if (replica.CollectingReads is null && replica.CollectingLeaseReads is null) _collectingReads.Add(replica);
        if (lease) (replica.CollectingLeaseReads ??= new ReadBatch()).Add(completion);
        else (replica.CollectingReads ??= new ReadBatch()).Add(completion);
    }

    /// <summary>One ReadIndex request per group and kind for all the reads collected in this iteration (batched confirmation).</summary>
    private void IssueReadBatches()
    {
        if (_collectingReads.Count == 0) return;
        var now = _time.GetTimestamp();
        foreach (var replica in _collectingReads)
        {
            var batch = replica.CollectingReads;
            var leaseBatch = replica.CollectingLeaseReads;
            replica.CollectingReads = null;
            replica.CollectingLeaseReads = null;
            // Destroyed meanwhile: DestroyGroup answered the batch already.
            if (!_groups.ContainsKey(replica.GroupId)) continue;
            if (batch is not null) IssueReadBatch(replica, batch, ++_nextReadId, now);
            if (leaseBatch is not null) IssueReadBatch(replica, leaseBatch, ++_nextReadId | LeaseReadBit, now);
        }
        _collectingReads.Clear();
    }

    private void IssueReadBatch(GroupReplica replica, ReadBatch batch, ulong requestId, long now)
    {
        Instruments.ReadIndexAsked(replica.GroupId);
        if (replica.Node.ReadIndex(requestId).IsAccepted)
        {
            batch.IssuedAtTick = _ticks;
            replica.ReadRequests[requestId] = batch;
            NoteLeaseRenewal(replica, requestId, now);
        }
        else
        {
            batch.Complete(false);
        }
    }

    /// <summary>
    /// A ReadIndex request a follower sent can be lost with its message, and a leader may hold one until it commits an
    /// entry of its term: after an election timeout without an answer its reads are answered "not confirmed" and routed
    /// again, so no read waits on a lost message until its caller's deadline.
    /// </summary>
    private void ExpireReads(GroupReplica replica)
    {
        if (replica.ReadRequests.IsEmpty) return;
        foreach (var (id, batch) in replica.ReadRequests)
        {
            // Removed first: an answer taken off the loop meanwhile owns the batch instead.
            if (_ticks - batch.IssuedAtTick > _options.ElectionTicks && replica.ReadRequests.TryRemove(id, out _)) batch.Complete(false);
        }
    }

    /// <summary>Every read still waiting for a confirmation is answered "not confirmed": its caller routes again.</summary>
    private static void AnswerUnconfirmed(GroupReplica replica)
    {
        foreach (var id in replica.ReadRequests.Keys)
        {
            if (replica.ReadRequests.TryRemove(id, out var batch)) batch.Complete(false);
        }
    }
}
