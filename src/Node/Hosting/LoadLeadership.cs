// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Hosting;

/// <summary>
/// Leaders follow the load: a shard's leader hands its leadership to the member its requests come from. Every write
/// and every lease read that enters the cluster through a member other than the shard's leader crosses the peer
/// connection twice (request and answer, a read index for a read) and costs a loop iteration on both members; when
/// the clients of a shard talk to one member, that member leading the shard saves all of it, and answers lease reads
/// from its lease alone. Linearizable reads do not count: any replica serves them, and a follower's read index (one
/// round trip to the leader, which counts the request as the follower's acknowledgement) costs no more than the
/// leader's own heartbeat round (docs/benchmarks.md, section 20). Pure: the shard leader's
/// reconciliation runs it on the averaged windows of <see cref="ShardLoad"/>.
/// </summary>
/// <remarks>
/// Hysteresis keeps evenly spread clients from moving leaders: a member takes over only when it brings at least
/// <see cref="Factor"/> times the leader's own requests and at least the minimum, so after a hand-over the old leader
/// is far from taking it back. A leader that is not the placement's preferred one keeps its shard while it brings
/// at least the minimum and as many requests as the preferred member; otherwise the preferred-leader rule (balance)
/// applies as without load. Followers' reads count one per ReadIndex request, which may carry several reads, so the
/// rule errs on staying.
/// </remarks>
public static class LoadLeadership
{
    /// <summary>How many times the leader's own requests a member must bring to take the shard over.</summary>
    public const int Factor = 2;

    public enum Verdict
    {
        /// <summary>No load reason either way: the preferred-leader rule decides.</summary>
        NoOpinion,

        /// <summary>This leader brings the shard's load: it keeps the leadership even when it is not the preferred member.</summary>
        Stay,

        /// <summary>Hand the leadership to <c>Target</c>.</summary>
        Follow,
    }

    /// <param name="self">The deciding leader.</param>
    /// <param name="preferred">The placement's preferred leader of the shard (0: none).</param>
    /// <param name="counts">Requests per window by origin member (<see cref="ShardLoad.Average"/>).</param>
    /// <param name="eligible">Whether a member could take the leadership now (a caught-up, active voter).</param>
    /// <param name="minRequests">The fewest requests in a window that move or keep a leadership.</param>
    public static (Verdict Verdict, ulong Target) Decide(ulong self, ulong preferred, IReadOnlyDictionary<ulong, long> counts, Func<ulong, bool> eligible, long minRequests)
    {
        var own = counts.GetValueOrDefault(self);
        ulong best = 0;
        long bestCount = 0;
        foreach (var (member, count) in counts)
        {
            if (member == self || count < bestCount || (count == bestCount && member > best) || !eligible(member)) continue;
            (best, bestCount) = (member, count);
        }
        if (best != 0 && bestCount >= minRequests && bestCount >= Factor * own) return (Verdict.Follow, best);
        if (preferred != 0 && preferred != self && own >= minRequests && own >= counts.GetValueOrDefault(preferred)) return (Verdict.Stay, 0);
        return (Verdict.NoOpinion, 0);
    }
}
