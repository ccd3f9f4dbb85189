// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Leaders follow the load (<see cref="LoadLeadership"/>): this node counts, per shard, the leader work its own
/// clients bring (writes and lease reads, whatever it leads) and the work other members send it (forwarded writes and
/// lease reads, followers' ReadIndex requests for lease reads); a shard it leads goes to the member bringing most of it, and stays here while this node brings it.
/// </summary>
public sealed partial class CacheNode
{
    /// <summary>Fewest requests per second from one member that move a shard's leadership to it, or keep it there.</summary>
    public const int MinLoadPerSecond = 50;

    private readonly ShardLoad _load = new();
    private long _loadTransfers;

    /// <summary>Leaderships this node handed to the member bringing most of a shard's requests (metrics, tests).</summary>
    public long LoadTransfers => Volatile.Read(ref _loadTransfers);

    private TimeSpan LoadWindow => TimeSpan.FromSeconds(_options.LoadWindowSeconds);

    /// <summary>A client of this node brought a write or a lease read of <paramref name="shard"/>.</summary>
    private void NoteOwnRequest(int shard)
    {
        if (_options.LeadersFollowLoad) _load.Note(shard, _options.Id);
    }

    /// <summary>Member <paramref name="origin"/> sent this node leader work of <paramref name="shard"/>.</summary>
    public void NoteRequestFrom(int shard, ulong origin)
    {
        if (_options.LeadersFollowLoad && origin != _options.Id) _load.Note(shard, origin);
    }

    /// <summary>
    /// The load's say on a shard this node leads, run by its reconciliation: true when it decided (handed the
    /// leadership over, or keeps it), so the preferred-leader rule does not apply this round.
    /// </summary>
    /// <remarks>
    /// A hand-over waits a whole window after this leadership first had a reason to move and after the last hand-over
    /// of the shard, so that each decision rests on at least a window of this leadership. A member's own clients count whatever it leads, so a
    /// new leader's average already shows the load it brings: it is not handed straight back.
    /// </remarks>
    private bool FollowLoad(GroupReplica replica, RaftStatus status, ulong preferred, DateTimeOffset now)
    {
        if (!_options.LeadersFollowLoad) return false;
        var counts = _load.Average((int)replica.GroupId);
        if (counts.Count == 0) return false;
        var (verdict, target) = LoadLeadership.Decide(_options.Id, preferred, counts, m => CanLead(status, m), (long)MinLoadPerSecond * _options.LoadWindowSeconds);
        if (verdict == LoadLeadership.Verdict.Stay) return true;
        if (verdict != LoadLeadership.Verdict.Follow) return false;
        if (now - LeadingSince(replica, status, now) < LoadWindow) return true;
        if (_lastTransfer.TryGetValue(replica.GroupId, out var last) && now - last < LoadWindow) return true;
        _lastTransfer[replica.GroupId] = now;
        Interlocked.Increment(ref _loadTransfers);
        LogLoadTransfer(_logger, _options.Id, replica.GroupId, target, counts.GetValueOrDefault(target), counts.GetValueOrDefault(_options.Id));
        replica.Node.TransferLeadership(target);
        return true;
    }

    /// <summary>A voter that is active and nearly caught up: the core completes the catch-up before it hands over.</summary>
    private static bool CanLead(RaftStatus status, ulong member) =>
        status.ConfState.Voters.Contains(member)
        && status.Progress.TryGetValue(member, out var progress)
        && progress.RecentActive
        && progress.Match + CatchUpSlackEntries >= status.LastIndex;

    [LoggerMessage(EventId = 75330, Level = LogLevel.Information, Message = "Node {Node} shard {Group}: leadership handed to node {Target}, which brings {TargetRequests} requests per window (averaged) against {OwnRequests} here")]
    private static partial void LogLoadTransfer(ILogger logger, ulong node, ulong group, ulong target, long targetRequests, long ownRequests);
}
