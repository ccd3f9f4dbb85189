// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.StateMachine;

namespace RaftCache.Node.Hosting;

/// <summary>A shard's live entries at one applied index, with the replica's key count and state hash at that index.</summary>
public sealed record ShardCapture(int Shard, ulong Index, ulong Term, IReadOnlyList<CacheEntry> Entries, long Keys, string StateHash, long TakenAtMs);

public sealed partial class CacheNode
{
    /// <summary>
    /// On the shard's leader: confirms leadership (ReadIndex, so the capture includes every write acknowledged before
    /// the call), then copies the entry views under the replica's lock. Entry views wrap immutable blobs, so
    /// serialising them later needs no lock. Null when this node could not confirm it leads the shard.
    /// </summary>
    public async Task<ShardCapture?> CaptureShardAsync(int shard, CancellationToken cancellationToken)
    {
        if (_host is null || Host.TryGetReplica((ulong)shard) is not { StateMachine: CacheGroupStateMachine cache } replica) return null;
        if (!await Host.ReadIndexAsync((ulong)shard, cancellationToken)) return null;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var term = await Host.InvokeAsync(() => replica.Node.Status().HardState.Term);
        return cache.Read(c =>
        {
            var page = c.ListKeys([], hasCursor: false, limit: Math.Max(1, c.Count + 1), now);
            return new ShardCapture(shard, c.AppliedIndex, term, page.Entries, c.Count, c.ComputeStateHash().ToString(), now);
        });
    }
}
