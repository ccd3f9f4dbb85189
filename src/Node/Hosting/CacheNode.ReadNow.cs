// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Requests;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Reads this node answers on the caller's thread, with no task and no hop to the host loop: a local read of a
/// replica held here, and a lease (or, with leases serving read indexes, linearizable) read on the shard leader while
/// its published lease holds and its replica has applied all it committed. Everything else is routed.
/// </summary>
public sealed partial class CacheNode
{
    public ValueTask<ReadOutcome> ReadAsync(int shard, byte[] key, ReadConsistency consistency, CancellationToken deadline, bool continueInline = false)
    {
        if (consistency == ReadConsistency.Lease) NoteOwnRequest(shard);
        return TryReadNow(shard, key, consistency, out var outcome) ? new(outcome) : new(RouteReadAsync(shard, key, consistency, deadline, continueInline));
    }

    private bool TryReadNow(int shard, byte[] key, ReadConsistency consistency, out ReadOutcome outcome)
    {
        outcome = default;
        if (_host is null || RemovedReason is not null) return false;
        if (Host.TryGetReplica((ulong)shard) is not { StateMachine: CacheGroupStateMachine cache }) return false;
        if (consistency != ReadConsistency.Local && !Host.TryConfirmReadNow((ulong)shard, consistency == ReadConsistency.Linearizable)) return false;
        outcome = cache.TryGet(key, _time.GetUtcNow().ToUnixTimeMilliseconds(), out var entry)
            ? ReadOutcome.Found(StoredValue.Of(entry))
            : ReadOutcome.NotFound;
        return true;
    }
}
