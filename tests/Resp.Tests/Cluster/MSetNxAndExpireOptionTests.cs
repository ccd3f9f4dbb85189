// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Sharding;
using StackExchange.Redis;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>MSETNX (one replicated write per call, keys on one shard) and EXPIRE's NX XX GT LT, through StackExchange.Redis.</summary>
public sealed class MSetNxAndExpireOptionTests(RespCluster fixture) : IClassFixture<RespCluster>
{
    [Fact]
    public async Task Msetnx_sets_keys_sharing_a_hash_tag_all_or_none()
    {
        await using var redis = await fixture.ConnectAsync(2);
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync(["{u1}:a", "{u1}:b", "{u1}:c"]);

        Assert.True(await db.StringSetAsync([new("{u1}:a", "1"), new("{u1}:b", "2")], When.NotExists));
        Assert.False(await db.StringSetAsync([new("{u1}:c", "3"), new("{u1}:b", "x")], When.NotExists));

        // Read through another node: the first call stored both, the second nothing at all.
        await using var other = await fixture.ConnectAsync(3);
        var values = await other.GetDatabase().StringGetAsync(["{u1}:a", "{u1}:b", "{u1}:c"]);
        Assert.Equal(["1", "2", null], values.Select(v => (string?)v));
    }

    [Fact]
    public async Task Msetnx_over_keys_of_two_shards_is_refused_with_crossslot_and_writes_nothing()
    {
        // "a" and "b" hash to slots 15495 and 3300: with shards owning contiguous slot ranges they are never together.
        Assert.NotEqual(HashSlots.SlotOf("a"u8), HashSlots.SlotOf("b"u8));
        await using var redis = await fixture.ConnectAsync(1);
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync(["a", "b"]);

        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.StringSetAsync([new("a", "1"), new("b", "2")], When.NotExists));
        Assert.StartsWith("CROSSSLOT", error.Message);
        Assert.Equal(0, await db.KeyExistsAsync(["a", "b"]));
        Assert.StartsWith("ERR wrong number", (await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("MSETNX", "a", "1", "b"))).Message);
    }

    [Fact]
    public async Task Expire_options_follow_redis_rules_for_keys_with_and_without_expiry()
    {
        await using var redis = await fixture.ConnectAsync(3);
        var db = redis.GetDatabase();
        await db.StringSetAsync("xo", "v");

        // No expiry: XX and GT refuse (no expiry counts as never), NX sets, then NX refuses.
        Assert.Equal(0, (long)await db.ExecuteAsync("EXPIRE", "xo", "100", "XX"));
        Assert.Equal(0, (long)await db.ExecuteAsync("EXPIRE", "xo", "100", "GT"));
        Assert.Equal(-1, (long)await db.ExecuteAsync("TTL", "xo"));
        Assert.Equal(1, (long)await db.ExecuteAsync("EXPIRE", "xo", "100", "NX"));
        Assert.Equal(0, (long)await db.ExecuteAsync("EXPIRE", "xo", "200", "NX"));

        // Expiry at ~100 s: GT only later, LT only sooner, XX with GT both must hold.
        Assert.Equal(0, (long)await db.ExecuteAsync("PEXPIRE", "xo", "50000", "GT"));
        Assert.Equal(1, (long)await db.ExecuteAsync("PEXPIRE", "xo", "300000", "gt"));
        Assert.InRange((long)await db.ExecuteAsync("TTL", "xo"), 290, 300);
        Assert.Equal(0, (long)await db.ExecuteAsync("EXPIRE", "xo", "400", "LT"));
        Assert.Equal(1, (long)await db.ExecuteAsync("EXPIRE", "xo", "60", "XX", "LT"));
        Assert.InRange((long)await db.ExecuteAsync("TTL", "xo"), 50, 60);
        var at = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeSeconds();
        Assert.Equal(1, (long)await db.ExecuteAsync("EXPIREAT", "xo", at.ToString(), "LT"));
        Assert.Equal(at, (long)await db.ExecuteAsync("EXPIRETIME", "xo"));

        // A key that does not exist answers 0 whatever the option; LT on a key without expiry sets it.
        Assert.Equal(0, (long)await db.ExecuteAsync("EXPIRE", "xo-none", "10", "LT"));
        await db.StringSetAsync("xo2", "v");
        Assert.Equal(1, (long)await db.ExecuteAsync("EXPIRE", "xo2", "10", "LT"));
        Assert.InRange((long)await db.ExecuteAsync("TTL", "xo2"), 1, 10);
    }

    [Theory]
    [InlineData("NX XX", "ERR NX and XX, GT or LT options at the same time are not compatible")]
    [InlineData("NX GT", "ERR NX and XX, GT or LT options at the same time are not compatible")]
    [InlineData("GT LT", "ERR GT and LT options at the same time are not compatible")]
    [InlineData("SOON", "ERR Unsupported option SOON")]
    public async Task Bad_expire_options_answer_redis_errors_and_change_nothing(string options, string expected)
    {
        await using var redis = await fixture.ConnectAsync(1);
        var db = redis.GetDatabase();
        await db.StringSetAsync("xo-bad", "v");
        object[] args = ["xo-bad", "100", .. options.Split(' ')];
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("EXPIRE", args));
        Assert.Equal(expected, error.Message);
        Assert.Equal(-1, (long)await db.ExecuteAsync("TTL", "xo-bad"));
    }
}
