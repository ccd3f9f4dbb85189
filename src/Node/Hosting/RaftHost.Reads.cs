// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Hosting;

public sealed partial class RaftHost
{
    // Groups with reads collected in the current iteration, in arrival order.
    private readonly List<GroupReplica> _collectingReads = [];
    private long _ticks;

    private void CollectRead(ulong groupId, TaskCompletionSource<bool> completion)
    {
        if (!_groups.TryGetValue(groupId, out var replica))
        {
            completion.TrySetResult(false);
            return;
        }
        if (replica.CollectingReads is null)
        {
            replica.CollectingReads = new ReadBatch();
            _collectingReads.Add(replica);
        }
        replica.CollectingReads.Add(completion);
    }

    /// <summary>One ReadIndex request per group for all the reads collected in this iteration (batched confirmation).</summary>
    private void IssueReadBatches()
    {
        if (_collectingReads.Count == 0) return;
        var now = _time.GetTimestamp();
        foreach (var replica in _collectingReads)
        {
            var batch = replica.CollectingReads!;
            replica.CollectingReads = null;
            // Destroyed meanwhile: DestroyGroup answered the batch already.
            if (!_groups.ContainsKey(replica.GroupId)) continue;
            var requestId = ++_nextReadId;
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
        _collectingReads.Clear();
    }

    /// <summary>
    /// A ReadIndex request a follower sent can be lost with its message, and a leader may hold one until it commits an
    /// entry of its term: after an election timeout without an answer its reads are answered "not confirmed" and routed
    /// again, so no read waits on a lost message until its caller's deadline.
    /// </summary>
    private void ExpireReads(GroupReplica replica)
    {
        if (replica.ReadRequests.Count == 0) return;
        List<ulong>? expired = null;
        foreach (var (id, batch) in replica.ReadRequests)
        {
            if (_ticks - batch.IssuedAtTick > _options.ElectionTicks) (expired ??= []).Add(id);
        }
        if (expired is null) return;
        foreach (var id in expired)
        {
            replica.ReadRequests.Remove(id, out var batch);
            batch!.Complete(false);
        }
    }
}
