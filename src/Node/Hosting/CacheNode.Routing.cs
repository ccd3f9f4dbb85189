// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Api;
using RaftCache.Node.Requests;
using RaftCache.Raft;
using RaftCache.StateMachine;

namespace RaftCache.Node.Hosting;

/// <summary>
/// The cluster as front ends see it (<see cref="ICacheCluster"/>): a request is served here when this node holds the
/// right replica, and handed to the member that can serve it over the peer connection otherwise
/// (<see cref="PeerForwarder"/>), routed again until it has a final outcome or its deadline passes: at once to the
/// leader a member's "not here" names, briefly backing off while no leader is known.
/// </summary>
public sealed partial class CacheNode : ICacheCluster, ILocalShards
{
    /// <summary>Pause before routing again when no leader is known or a member answered "not here".</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(50);

    // This node is one client of the cluster: the writes it proposes or forwards for its callers are numbered here.
    private readonly SessionNumbering _sessions = new();
    private PeerForwarder? _forwarder;

    public int ShardOfKey(ReadOnlySpan<byte> key) => Shards.ShardOfKey(key);

    public ClientSession NewSession() => _sessions.Open();

    public void CompleteSession(ClientSession session) => _sessions.Close(session);

    /// <summary>Forwarded requests still waiting for their answer (tests, metrics).</summary>
    public int ForwardsOutstanding => _forwarder?.Outstanding ?? 0;

    private void WireForwarding(RaftHost host)
    {
        var deadline = new SharedDeadline(_time, TimeSpan.FromMilliseconds(_options.RequestTimeoutMs), RetryInterval);
        var forwarder = new PeerForwarder(host.SendForward, this, deadline, _loggers.CreateLogger<PeerForwarder>());
        host.ForwardReceived = forwarder.OnFrame;
        host.LeaseReadIndexReceived = (group, from) => NoteRequestFrom((int)Math.Min(group, int.MaxValue), from);
        host.PeerConnectionLost += forwarder.OnConnectionLost;
        _forwarder = forwarder;
    }

    public async Task<WriteOutcome> WriteAsync(int shard, byte[] command, CancellationToken deadline)
    {
        ulong hint = 0;
        var uncertain = false;
        var inFlight = false;
        var immediate = 0;
        NoteOwnRequest(shard);
        try
        {
            while (true)
            {
                var target = TargetOf(shard, forWrite: true, hint, out var unavailable);
                if (target != 0)
                {
                    inFlight = true;
                    var outcome = target == NodeId ? await WriteHereAsync(shard, command, deadline) : await _forwarder!.WriteAsync(target, shard, command, deadline);
                    inFlight = false;
                    NoteServedBy(shard, target, leads: outcome.Fate != WriteFate.RouteAgain);
                    if (outcome.Fate != WriteFate.RouteAgain) return outcome with { Forwarded = target != NodeId };
                    uncertain |= outcome.Uncertain;
                    hint = outcome.LeaderHint != NodeId ? outcome.LeaderHint : 0;
                    if (FollowAtOnce(target, hint, ref immediate)) continue;
                }
                else if (unavailable is not null && _host is null)
                {
                    return WriteOutcome.NotApplied(unavailable);
                }
                await Task.Delay(RetryInterval, _time, deadline);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return inFlight || uncertain
                ? WriteOutcome.MayHaveApplied("No answer from the shard's leader within the request timeout; the write may or may not have been applied.")
                : WriteOutcome.NotApplied("No leader for this key's shard within the request timeout; the write was not applied.");
        }
    }

    private async Task<ReadOutcome> RouteReadAsync(int shard, byte[] key, ReadConsistency consistency, CancellationToken deadline, bool continueInline)
    {
        ulong hint = 0;
        var immediate = 0;
        try
        {
            while (true)
            {
                ReadOutcome outcome;
                ulong target = 0;
                var here = _host is not null && Host.TryGetReplica((ulong)shard) is not null;
                if (here)
                {
                    outcome = await ReadHereAsync(shard, key, consistency, deadline, continueInline);
                }
                else
                {
                    target = TargetOf(shard, forWrite: consistency == ReadConsistency.Lease, hint, out _);
                    outcome = target == 0 ? ReadOutcome.RouteAgain("no replica known")
                        : target == NodeId ? await ReadHereAsync(shard, key, consistency, deadline, continueInline)
                        : await _forwarder!.ReadAsync(target, shard, key, consistency, deadline, continueInline);
                }
                if (outcome.Fate != ReadFate.RouteAgain) return outcome;
                hint = outcome.LeaderHint != NodeId ? outcome.LeaderHint : 0;
                // A replica here is read again whatever the answer named: only a read sent to the named member follows it at once.
                if (FollowAtOnce(target, here ? 0 : hint, ref immediate)) continue;
                await Task.Delay(RetryInterval, _time, deadline);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return ReadOutcome.Unavailable("No leader confirmed this read within the request timeout.");
        }
    }

    /// <summary>Proposes on this node's replica when it leads the shard; "route again" with its leader otherwise.</summary>
    public Task<WriteOutcome> WriteHereAsync(int shard, byte[] command, CancellationToken deadline) => WriteHereAsync(shard, command, deadline, continueOnLoop: false);

    // A forwarded write's reply is encoded and queued straight from the loop: one thread-pool hop less per forwarded put.
    public Task<WriteOutcome> ServeWriteAsync(int shard, byte[] command, CancellationToken deadline) => WriteHereAsync(shard, command, deadline, continueOnLoop: true);

    private async Task<WriteOutcome> WriteHereAsync(int shard, byte[] command, CancellationToken deadline, bool continueOnLoop)
    {
        if (_host is null || RemovedReason is not null) return WriteOutcome.RouteAgain("this node is not a member");
        var replica = Host.TryGetReplica((ulong)shard);
        if (replica is not { Role: RaftRole.Leader }) return WriteOutcome.RouteAgain($"node {NodeId} does not lead shard {shard}", replica?.Leader ?? 0);
        ProposalOutcome outcome;
        try
        {
            outcome = await Host.ProposeAsync((ulong)shard, command, deadline, continueOnLoop);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return WriteOutcome.MayHaveApplied("The write was not confirmed within the request timeout; it may or may not have been applied.");
        }
        if (outcome.Status == ProposalStatus.NotApplied) return WriteOutcome.RouteAgain("leadership moved before the write was appended", replica.Leader);
        if (outcome.Status == ProposalStatus.MayHaveApplied || outcome.Result.Cache is not { } result)
            return WriteOutcome.MayHaveApplied("This node lost track of the write after appending it (its replica moved away, or a snapshot replaced the log past it); it may or may not have been applied.");
        return result.Status == ApplyStatus.SessionResultDiscarded
            ? WriteOutcome.MayHaveApplied("This write was applied earlier, and its result is no longer known.")
            : WriteOutcome.Applied(result);
    }

    /// <summary>
    /// Reads from this node's replica: at once for a local read; a lease read on the leader from its lease while it
    /// holds, on a follower after a read index the leader gives from its lease; after a ReadIndex round otherwise (a
    /// follower asks the leader for the read index and serves once its replica applied up to it), so reads spread
    /// over every replica.
    /// </summary>
    public async Task<ReadOutcome> ReadHereAsync(int shard, byte[] key, ReadConsistency consistency, CancellationToken deadline, bool continueInline = false)
    {
        if (_host is null || RemovedReason is not null) return ReadOutcome.RouteAgain("this node is not a member");
        if (Host.TryGetReplica((ulong)shard) is not { StateMachine: CacheGroupStateMachine cache } replica)
            return ReadOutcome.RouteAgain($"node {NodeId} holds no replica of shard {shard}");
        if (consistency != ReadConsistency.Local)
        {
            if (replica.Role != RaftRole.Leader && replica.Leader == 0) return ReadOutcome.RouteAgain($"shard {shard} has no known leader");
            bool confirmed;
            try
            {
                confirmed = consistency == ReadConsistency.Lease
                    ? await Host.LeaseReadAsync((ulong)shard, deadline, continueInline)
                    : await Host.ReadIndexAsync((ulong)shard, deadline, continueInline);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return ReadOutcome.Unavailable("No leader confirmed this read within the request timeout.");
            }
            if (!confirmed) return ReadOutcome.RouteAgain("the read index could not be confirmed", replica.Leader);
        }
        return cache.TryGet(key, _time.GetUtcNow().ToUnixTimeMilliseconds(), out var entry)
            ? ReadOutcome.Found(StoredValue.Of(entry))
            : ReadOutcome.NotFound;
    }

    /// <summary>
    /// The member to send a request to: the leader this node knows of (itself included), else the hint of the last
    /// member asked, else, without a replica here, the member last seen serving the shard's writes or the preferred
    /// leader if it still holds one, else any member holding one (it answers with its leader). 0: nobody yet.
    /// </summary>
    private ulong TargetOf(int shard, bool forWrite, ulong hint, out string? unavailable)
    {
        unavailable = null;
        if (_host is null)
        {
            unavailable = "this node is waiting to be added to a cluster";
            return 0;
        }
        if (RemovedReason is { } removed)
        {
            unavailable = $"this node was removed from its cluster ({removed})";
            return 0;
        }
        var replica = Host.TryGetReplica((ulong)shard);
        if (replica is { Role: RaftRole.Leader }) return NodeId;
        var leader = replica?.Leader ?? 0;
        if (leader != 0 && (forWrite || leader != NodeId)) return leader;
        if (hint != 0) return hint;
        if (replica is null && _metadata.Current.Placement.TryGetValue(shard, out var holders) && holders.Length > 0)
        {
            if (RemoteLeaderOf(shard, holders) is not 0 and var known) return known;
            var others = holders.Where(id => id != NodeId).ToArray();
            if (others.Length > 0) return others[Random.Shared.Next(others.Length)];
        }
        unavailable = $"shard {shard} has no known leader";
        return 0;
    }

    /// <summary>
    /// Where an admin request for a shard is served over HTTP (flush, backup, transfer): here when this node leads it
    /// (or, for a local read, holds it), at the leader's REST endpoint otherwise.
    /// </summary>
    public ShardRoute RouteOf(int shard, bool isWrite, ReadConsistency consistency)
    {
        if (_host is null) return ShardRoute.Unavailable("this node is waiting to be added to a cluster");
        if (RemovedReason is { } removed) return ShardRoute.Unavailable($"this node was removed from its cluster ({removed})");
        var replica = Host.TryGetReplica((ulong)shard);
        if (!isWrite && consistency == ReadConsistency.Local && replica is not null) return ShardRoute.Local;
        if (replica is { Role: RaftRole.Leader }) return ShardRoute.Local;
        var record = _metadata.Current;
        var leader = replica?.Leader ?? 0;
        if (leader == 0)
        {
            // No replica here: the member last seen serving the shard's writes or the preferred leader, else any
            // member holding one (it knows more and forwards on, within the hop limit).
            if (replica is null && record.Placement.TryGetValue(shard, out var holders))
                leader = RemoteLeaderOf(shard, holders) is not 0 and var known ? known : holders.FirstOrDefault(id => id != _options.Id);
            if (leader == 0) return ShardRoute.Unavailable($"shard {shard} has no known leader");
        }
        if (leader == _options.Id) return ShardRoute.Local;
        return record.Members.TryGetValue(leader, out var member) && member.RestUrl is { } url
            ? ShardRoute.Forward(new Uri(url))
            : ShardRoute.Unavailable($"the REST address of node {leader}, leader of shard {shard}, is not known yet");
    }
}
