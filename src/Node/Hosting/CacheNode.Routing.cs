// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Api;
using RaftCache.Raft;
using RaftCache.StateMachine;

namespace RaftCache.Node.Hosting;

public sealed partial class CacheNode : ICacheCluster
{
    // This node is one client of the cluster: the writes it proposes or forwards for its callers are numbered here.
    private readonly SessionNumbering _sessions = new();

    public int ShardOfKey(ReadOnlySpan<byte> key) => Shards.ShardOfKey(key);

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
            // No replica here: any member holding one knows more (it forwards on, within the hop limit).
            if (replica is null && record.Placement.TryGetValue(shard, out var holders))
                leader = holders.FirstOrDefault(id => id != _options.Id);
            if (leader == 0) return ShardRoute.Unavailable($"shard {shard} has no known leader");
        }
        if (leader == _options.Id) return ShardRoute.Local;
        return record.Members.TryGetValue(leader, out var member) && member.RestUrl is { } url
            ? ShardRoute.Forward(new Uri(url))
            : ShardRoute.Unavailable($"the REST address of node {leader}, leader of shard {shard}, is not known yet");
    }

    public ClientSession NewSession() => _sessions.Open();

    public void CompleteSession(ClientSession session) => _sessions.Close(session);

    public async Task<WriteOutcome> WriteAsync(int shard, byte[] command, CancellationToken cancellationToken)
    {
        ProposalOutcome outcome;
        try
        {
            outcome = await Host.ProposeAsync((ulong)shard, command, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new WriteOutcome(WriteStatus.Indeterminate, 0, "The write was not confirmed within the request timeout; it may or may not have been applied.");
        }
        if (outcome.Status == ProposalStatus.NotApplied) return new WriteOutcome(WriteStatus.NotApplied, 0);
        if (outcome.Status == ProposalStatus.MayHaveApplied || outcome.Result.Cache is not { } result)
            return new WriteOutcome(WriteStatus.Indeterminate, 0, "A snapshot replaced the log past this write; it may or may not have been applied.");
        var written = result.Status switch
        {
            ApplyStatus.Applied => new WriteOutcome(WriteStatus.Applied, result.Version),
            ApplyStatus.PreconditionFailed => new WriteOutcome(WriteStatus.PreconditionFailed, result.Version),
            ApplyStatus.RefusedMemoryLimit => new WriteOutcome(WriteStatus.MemoryLimit, 0, "The value does not fit under the shard's memory limit, even after evicting."),
            ApplyStatus.NotAnInteger or ApplyStatus.Overflow or ApplyStatus.WrongType => new WriteOutcome(WriteStatus.Rejected, result.Version, result.Status.ToString()),
            _ => new WriteOutcome(WriteStatus.Indeterminate, 0, "This write was applied earlier, and its result is no longer known."),
        };
        return written with { Result = result };
    }

    public async Task<ReadOutcome> ReadAsync(int shard, byte[] key, ReadConsistency consistency, CancellationToken cancellationToken)
    {
        if (Host.TryGetReplica((ulong)shard) is not { StateMachine: CacheGroupStateMachine cache }) return new ReadOutcome(ReadStatus.Unavailable, default);
        if (consistency != ReadConsistency.Local && !await Host.ReadIndexAsync((ulong)shard, cancellationToken))
            return new ReadOutcome(ReadStatus.Unavailable, default, "leadership could not be confirmed");
        return cache.TryGet(key, _time.GetUtcNow().ToUnixTimeMilliseconds(), out var entry)
            ? new ReadOutcome(ReadStatus.Found, entry)
            : new ReadOutcome(ReadStatus.NotFound, default);
    }
}
