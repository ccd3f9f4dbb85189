// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Tests;

public sealed class ExpiryTests
{
    [Fact]
    public void An_entry_reads_as_absent_from_the_instant_equal_to_its_expiry()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("k", "v", 1_000, expiresAtMs: 5_000).Encode());

        Assert.True(machine.TryGet("k"u8, 4_999, out var entry));
        Assert.Equal(5_000, entry.ExpiresAtMs);
        Assert.False(machine.TryGet("k"u8, 5_000, out _));
        Assert.False(machine.TryGet("k"u8, 5_001, out _));
        Assert.Empty(Compare.AllKeys(machine, 5_000));
    }

    [Fact]
    public void A_put_whose_expiry_is_not_after_its_own_timestamp_succeeds_and_removes_the_key()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("k", "old", 1_000).Encode());

        var result = machine.Apply(2, TestCommand.Put("k", "new", 2_000, expiresAtMs: 2_000).Encode());

        Assert.Equal(new ApplyResult(ApplyStatus.Applied, 2, 0), result);
        Assert.Equal(0, machine.Count);
        Assert.False(machine.TryGet("k"u8, 0, out _));
    }

    [Fact]
    public void An_update_that_keeps_the_expiry_keeps_it_and_one_without_expiry_clears_it()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("k", "v1", 1_000, expiresAtMs: 9_000).Encode());

        machine.Apply(2, (TestCommand.Put("k", "v2", 2_000) with { ExpiryMode = ExpiryMode.Keep }).Encode());
        Assert.True(machine.TryGet("k"u8, 2_000, out var kept));
        Assert.Equal((9_000L, 2UL), (kept.ExpiresAtMs!.Value, kept.Version));
        Assert.Equal("v2"u8.ToArray(), kept.Value.ToArray());

        machine.Apply(3, TestCommand.Put("k", "v3", 3_000).Encode());
        Assert.True(machine.TryGet("k"u8, long.MaxValue - 1, out var cleared));
        Assert.Null(cleared.ExpiresAtMs);
    }

    [Fact]
    public void Keep_expiry_on_an_absent_or_already_expired_key_stores_it_without_expiry()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("k", "v1", 1_000, expiresAtMs: 1_500).Encode());

        // At 2,000 the old entry is logically gone (not yet swept): its expiry must not be inherited.
        machine.Apply(2, (TestCommand.Put("k", "v2", 2_000) with { ExpiryMode = ExpiryMode.Keep }).Encode());

        Assert.True(machine.TryGet("k"u8, 10_000, out var entry));
        Assert.Null(entry.ExpiresAtMs);
    }

    [Fact]
    public void A_logically_expired_entry_is_absent_for_conditions_at_the_commands_timestamp()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("k", "v1", 1_000, expiresAtMs: 1_500).Encode());

        var ifVersion = machine.Apply(2, (TestCommand.Put("k", "x", 2_000) with { Condition = WriteCondition.IfVersion, ExpectedVersion = 1 }).Encode());
        var ifAbsent = machine.Apply(3, (TestCommand.Put("k", "y", 2_000) with { Condition = WriteCondition.IfAbsent }).Encode());

        Assert.Equal(new ApplyResult(ApplyStatus.PreconditionFailed, 0, 0), ifVersion);
        Assert.Equal(ApplyStatus.Applied, ifAbsent.Status);
    }

    [Fact]
    public void A_sweep_removes_exactly_the_keys_expired_at_its_instant_soonest_first_within_its_limit()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("a", "1", 1_000, expiresAtMs: 3_000).Encode());
        machine.Apply(2, TestCommand.Put("b", "2", 1_000, expiresAtMs: 2_000).Encode());
        machine.Apply(3, TestCommand.Put("c", "3", 1_000, expiresAtMs: 3_001).Encode());
        machine.Apply(4, TestCommand.Put("d", "4", 1_000).Encode());
        machine.Apply(5, TestCommand.Put("e", "5", 1_000, expiresAtMs: 2_500).Encode());

        var limited = machine.Apply(6, CommandCodec.EncodeExpirySweep(3_000, upToMs: 3_000, maxKeys: 2));
        Assert.Equal(2, limited.Count);
        Assert.Equal(["a", "c", "d"], Keys(machine, long.MinValue));

        var rest = machine.Apply(7, CommandCodec.EncodeExpirySweep(3_000, upToMs: 3_000));
        Assert.Equal(1, rest.Count);
        Assert.Equal(["c", "d"], Keys(machine, long.MinValue));
        Assert.Equal(2, machine.Count);
        Assert.Equal(3, machine.SweptTotal);
    }

    private static string[] Keys(CacheStateMachine machine, long nowMs) =>
        Compare.AllKeys(machine, nowMs).Select(k => System.Text.Encoding.UTF8.GetString(k)).ToArray();
}
