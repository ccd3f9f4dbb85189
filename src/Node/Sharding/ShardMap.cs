// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Sharding;

/// <summary>
/// Slots to shards: the 16,384 slots split into <see cref="ShardCount"/> contiguous, near-equal ranges,
/// fixed at bootstrap. Immutable; a node holds one and replaces it whole.
/// </summary>
public sealed class ShardMap
{
    public const int MaxShards = 1024;

    public ShardMap(int shardCount)
    {
        if (shardCount is < 1 or > MaxShards)
            throw new ArgumentOutOfRangeException(nameof(shardCount), shardCount, $"the shard count must be 1 to {MaxShards}");
        ShardCount = shardCount;
    }

    public int ShardCount { get; }

    /// <summary>Shard ids are 1-based: Raft group ids, with 0 reserved for the metadata group.</summary>
    public int ShardOfSlot(int slot)
    {
        if ((uint)slot >= HashSlots.Count) throw new ArgumentOutOfRangeException(nameof(slot), slot, "slot out of range");
        return (int)((long)slot * ShardCount / HashSlots.Count) + 1;
    }

    public int ShardOfKey(ReadOnlySpan<byte> key) => ShardOfSlot(HashSlots.SlotOf(key));

    /// <summary>The inclusive slot range of <paramref name="shard"/>.</summary>
    public (int First, int Last) SlotRange(int shard)
    {
        if (shard < 1 || shard > ShardCount) throw new ArgumentOutOfRangeException(nameof(shard), shard, "no such shard");
        var first = (int)(((long)(shard - 1) * HashSlots.Count + ShardCount - 1) / ShardCount);
        var last = (int)(((long)shard * HashSlots.Count + ShardCount - 1) / ShardCount) - 1;
        return (first, last);
    }
}
