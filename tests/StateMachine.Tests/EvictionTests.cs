// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Tests;

public sealed class EvictionTests
{
    private static readonly long Entry = "kX"u8.Length + "application/json"u8.Length + 100 + CacheStateMachine.EntryOverheadBytes;

    [Fact]
    public void Eviction_takes_the_soonest_expiry_first_then_the_oldest_write_and_never_entries_without_expiry_first()
    {
        var machine = new CacheStateMachine(new StateMachineOptions { MemoryLimitBytes = 4 * Entry });
        machine.Apply(1, Put("k1", 1_000, expiresAtMs: null));
        machine.Apply(2, Put("k2", 1_000, expiresAtMs: 90_000));
        machine.Apply(3, Put("k3", 1_000, expiresAtMs: 50_000));
        machine.Apply(4, Put("k4", 1_000, expiresAtMs: null));

        var first = machine.Apply(5, Put("k5", 1_000, expiresAtMs: null));
        Assert.Equal(["k1", "k2", "k4", "k5"], Keys(machine));
        var second = machine.Apply(6, Put("k6", 1_000, expiresAtMs: null));
        Assert.Equal(["k1", "k4", "k5", "k6"], Keys(machine));
        var third = machine.Apply(7, Put("k7", 1_000, expiresAtMs: null));

        Assert.Equal(["k4", "k5", "k6", "k7"], Keys(machine));
        Assert.Equal((1, 1, 1), (first.Count, second.Count, third.Count));
        Assert.Equal(4 * Entry, machine.AccountedBytes);
    }

    [Fact]
    public void Two_replicas_with_different_hash_seeds_fed_the_same_log_evict_the_same_keys_and_hash_alike()
    {
        for (var seed = 0; seed < 10; seed++)
        {
            var log = Replay.Log(seed, 400);
            var a = new CacheStateMachine(ScenarioDriver.Options(3_000, hashSeed: 1));
            var b = new CacheStateMachine(ScenarioDriver.Options(3_000, hashSeed: 0xDEADBEEF));
            long evicted = 0;
            for (var i = 0; i < log.Count; i++)
            {
                var ra = a.Apply((ulong)i + 1, log[i]);
                Assert.Equal(ra, b.Apply((ulong)i + 1, log[i]));
                Assert.Equal(a.ComputeStateHash(), b.ComputeStateHash());
                evicted += CommandCodec.Decode(log[i]).Kind == CommandKind.Put && !ra.IsDuplicate ? ra.Count : 0;
            }

            Compare.SameReads(a, b, Replay.LastTimestamp(log));
            Assert.Equal(a.EvictedTotal, b.EvictedTotal);
            Assert.True(evicted > 0, $"seed {seed}: the log should force evictions");
        }
    }

    [Fact]
    public void A_write_larger_than_the_whole_limit_is_refused_and_changes_nothing_but_the_applied_index()
    {
        var limit = 3 * Entry;
        var machine = new CacheStateMachine(new StateMachineOptions { MemoryLimitBytes = limit });
        var twin = new CacheStateMachine(new StateMachineOptions { MemoryLimitBytes = limit });
        foreach (var m in new[] { machine, twin })
        {
            m.Apply(1, Put("k1", 1_000, 5_000));
            m.Apply(2, Put("k2", 1_000, null));
        }

        var huge = CommandCodec.EncodePut("k1"u8, new byte[limit], "application/json"u8, 1_000);
        var result = machine.Apply(3, huge);
        twin.ApplyNoOp(3);

        Assert.Equal(new ApplyResult(ApplyStatus.RefusedMemoryLimit, Version: 1, Count: 0), result);
        Assert.Equal(twin.ComputeStateHash(), machine.ComputeStateHash());
        Assert.True(machine.TryGet("k1"u8, 1_000, out var kept));
        Assert.Equal(1UL, kept.Version);
        Assert.Equal(0, machine.EvictedTotal);
    }

    [Fact]
    public void Updating_a_key_reuses_its_own_bytes_before_evicting_others()
    {
        var machine = new CacheStateMachine(new StateMachineOptions { MemoryLimitBytes = 2 * Entry });
        machine.Apply(1, Put("k1", 1_000, null));
        machine.Apply(2, Put("k2", 1_000, 2_000));

        var update = machine.Apply(3, Put("k2", 1_000, null));

        Assert.Equal(0, update.Count);
        Assert.Equal(["k1", "k2"], Keys(machine));
    }

    [Fact]
    public void A_lowered_memory_limit_is_enforced_at_the_next_write()
    {
        var machine = new CacheStateMachine(new StateMachineOptions { MemoryLimitBytes = 10 * Entry });
        for (ulong i = 1; i <= 5; i++)
        {
            machine.Apply(i, Put($"k{i}", 1_000, null));
        }

        machine.Apply(6, CommandCodec.EncodeSetMemoryLimit(1_000, 2 * Entry));
        Assert.Equal(5, machine.Count);
        var write = machine.Apply(7, Put("k6", 1_000, null));

        Assert.Equal(4, write.Count);
        Assert.Equal(["k5", "k6"], Keys(machine));
    }

    private static byte[] Put(string key, long timestampMs, long? expiresAtMs) =>
        (TestCommand.Put(key, "", timestampMs, expiresAtMs) with { Value = new byte[100] }).Encode();

    private static string[] Keys(CacheStateMachine machine) =>
        Compare.AllKeys(machine, 0).Select(k => System.Text.Encoding.UTF8.GetString(k)).ToArray();
}
