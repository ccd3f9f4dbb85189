// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Leaders of the shards this node holds no replica of (every member beyond the replication factor has some), as
/// learned from the member that last served a write for one, or else the leader the placement prefers. A replica
/// here knows its own leader; without one the node used to send each request to a random holder, a follower two
/// times in three, which answered "not here" naming the leader, and the request then waited a retry interval before
/// following that answer: 50 ms added to a quarter of the writes through a member of a 4-member cluster
/// (docs/benchmarks.md, section 6).
/// </summary>
public sealed partial class CacheNode
{
    /// <summary>
    /// Times one request follows a member's "not here, ask N" at once; after that it backs off by
    /// <see cref="RetryInterval"/>, so two members naming each other during an election cannot spin a request.
    /// </summary>
    internal const int MaxImmediateReroutes = 3;

    private long _reroutesWaited;
    private long _reroutesAtOnce;

    /// <summary>Requests answered "route again" that backed off before going on (metrics).</summary>
    public long ReroutesWaited => Volatile.Read(ref _reroutesWaited);

    /// <summary>Requests answered "route again" that went straight on to the leader named (metrics).</summary>
    public long ReroutesAtOnce => Volatile.Read(ref _reroutesAtOnce);

    // shard -> member last seen serving its writes; only read for shards without a replica here.
    private readonly ConcurrentDictionary<int, ulong> _remoteLeaders = new();

    private void NoteServedBy(int shard, ulong target, bool leads)
    {
        if (target == NodeId || target == 0) return;
        // Called for every forwarded write: the lock-free read keeps the steady state (same leader) from taking the
        // dictionary's write lock.
        if (leads)
        {
            if (!_remoteLeaders.TryGetValue(shard, out var known) || known != target) _remoteLeaders[shard] = target;
        }
        else
        {
            _remoteLeaders.TryRemove(KeyValuePair.Create(shard, target));
        }
    }

    /// <summary>
    /// The member to ask first for a shard without a replica here: the one last seen serving its writes, else (no
    /// write served yet) the one the leader balancing settles its leadership on, which in a settled cluster leads it.
    /// 0 when neither holds a replica any more.
    /// </summary>
    private ulong RemoteLeaderOf(int shard, System.Collections.Immutable.ImmutableArray<ulong> holders)
    {
        if (_remoteLeaders.TryGetValue(shard, out var leader) && holders.Contains(leader)) return leader;
        return _metadata.Current.PreferredLeaders.TryGetValue(shard, out var preferred) && preferred != NodeId && holders.Contains(preferred) ? preferred : 0;
    }

    /// <summary>
    /// Whether a request answered "route again" goes straight to the member the answer named: only a member not just
    /// asked, and at most <see cref="MaxImmediateReroutes"/> times per request; otherwise it waits a retry interval.
    /// </summary>
    private bool FollowAtOnce(ulong target, ulong named, ref int immediate)
    {
        var follow = named != 0 && named != target && immediate < MaxImmediateReroutes;
        if (follow) immediate++;
        Interlocked.Increment(ref follow ? ref _reroutesAtOnce : ref _reroutesWaited);
        return follow;
    }
}
