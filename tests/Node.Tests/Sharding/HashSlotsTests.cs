// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Node.Sharding;

namespace RaftCache.Node.Tests.Sharding;

public sealed class HashSlotsTests
{
    [Fact]
    public void Crc16_matches_the_XMODEM_check_value()
    {
        // The standard check value of CRC-16/XMODEM over "123456789" (also quoted in the Redis cluster spec).
        Assert.Equal(0x31C3, Crc16.Compute("123456789"u8));
    }

    [Theory]
    [InlineData("foo", 12182)]
    [InlineData("bar", 5061)]
    [InlineData("hello", 866)]
    [InlineData("123456789", 12739)]
    public void Slots_match_the_values_redis_cluster_computes(string key, int slot)
    {
        // Values as printed by `CLUSTER KEYSLOT <key>` on Redis 7.
        Assert.Equal(slot, HashSlots.SlotOf(Encoding.UTF8.GetBytes(key)));
    }

    [Theory]
    [InlineData("{user1000}.following", "{user1000}.followers")]
    [InlineData("foo{bar}zap", "bar")]
    [InlineData("{a}{b}", "a")]
    public void Keys_with_the_same_hash_tag_share_a_slot(string key, string same)
    {
        Assert.Equal(HashSlots.SlotOf(Encoding.UTF8.GetBytes(same)), HashSlots.SlotOf(Encoding.UTF8.GetBytes(key)));
    }

    [Theory]
    [InlineData("foo{}{bar}", "foo{}{bar}")]
    [InlineData("foo{{bar}}zap", "{bar")]
    [InlineData("foo{bar", "foo{bar")]
    [InlineData("nobraces", "nobraces")]
    public void Hash_tag_rules_follow_the_redis_specification(string key, string hashed)
    {
        Assert.Equal(hashed, Encoding.UTF8.GetString(HashSlots.HashTag(Encoding.UTF8.GetBytes(key))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(1000)]
    public void Shard_ranges_cover_every_slot_once_and_agree_with_ShardOfSlot(int shards)
    {
        var map = new ShardMap(shards);
        var next = 0;
        for (var shard = 1; shard <= shards; shard++)
        {
            var (first, last) = map.SlotRange(shard);
            Assert.Equal(next, first);
            Assert.True(last >= first);
            Assert.Equal(shard, map.ShardOfSlot(first));
            Assert.Equal(shard, map.ShardOfSlot(last));
            next = last + 1;
        }
        Assert.Equal(HashSlots.Count, next);
    }

    [Fact]
    public void Sixteen_shards_get_1024_slots_each()
    {
        var map = new ShardMap(16);
        Assert.Equal((0, 1023), map.SlotRange(1));
        Assert.Equal((15360, 16383), map.SlotRange(16));
    }
}
