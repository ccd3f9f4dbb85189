// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.StateMachine.Tests;

/// <summary>PutAllIfAbsent (Redis MSETNX): several keys of one shard stored at one log index, all or none.</summary>
public sealed class MultiKeyCommandTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] PutAll(long now, params (string Key, string Value)[] pairs) =>
        CommandCodec.EncodePutAllIfAbsent(pairs.Select(p => (B(p.Key), B(p.Value))).ToList(), now);

    private static string Value(CacheStateMachine machine, string key, long now = 0) =>
        machine.TryGet(B(key), now, out var entry) ? Encoding.UTF8.GetString(entry.Value.Span) : "<absent>";

    [Fact]
    public void Absent_keys_are_all_stored_at_the_command_index_as_raw_values_without_expiry()
    {
        var machine = new CacheStateMachine();
        Assert.Equal(new ApplyResult(ApplyStatus.Applied, 1, 1), machine.Apply(1, PutAll(100, ("a", "1"), ("b", "2"))));
        foreach (var (key, value) in new[] { ("a", "1"), ("b", "2") })
        {
            Assert.True(machine.TryGet(B(key), 100, out var entry));
            Assert.Equal((value, 1UL, (long?)null), (Encoding.UTF8.GetString(entry.Value.Span), entry.Version, entry.ExpiresAtMs));
            Assert.Equal("application/octet-stream", Encoding.UTF8.GetString(entry.ContentType.Span));
        }
    }

    [Fact]
    public void One_visible_key_fails_the_whole_command_and_changes_nothing()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("b", "old", 100).Encode());
        var before = machine.ComputeStateHash();

        Assert.Equal(new ApplyResult(ApplyStatus.PreconditionFailed, 1, 0), machine.Apply(2, PutAll(100, ("a", "1"), ("b", "2"), ("c", "3"))));
        Assert.Equal(("<absent>", "old", "<absent>"), (Value(machine, "a"), Value(machine, "b"), Value(machine, "c")));
        Assert.Equal(2UL, machine.AppliedIndex);
        Assert.NotEqual(before, machine.ComputeStateHash());
    }

    [Fact]
    public void An_expired_key_counts_as_absent_and_is_replaced()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, (TestCommand.Put("a", "old", 100) with { ExpiryMode = ExpiryMode.At, ExpiresAtMs = 150 }).Encode());
        Assert.Equal(ApplyStatus.Applied, machine.Apply(2, PutAll(200, ("a", "new"))).Status);
        Assert.Equal("new", Value(machine, "a", 10_000));
        Assert.Equal(1, machine.Count);
    }

    [Fact]
    public void A_key_given_twice_keeps_its_last_value()
    {
        var machine = new CacheStateMachine();
        Assert.Equal(ApplyStatus.Applied, machine.Apply(1, PutAll(100, ("a", "1"), ("a", "2"))).Status);
        Assert.Equal("2", Value(machine, "a"));
        Assert.Equal(1, machine.Count);
    }

    [Fact]
    public void Eviction_makes_room_for_all_new_keys_at_once_and_never_evicts_one_of_them()
    {
        var entry = "kX"u8.Length + "application/octet-stream"u8.Length + 100 + CacheStateMachine.EntryOverheadBytes;
        var machine = new CacheStateMachine(new StateMachineOptions { MemoryLimitBytes = 3 * entry });
        var value = new string('v', 100);
        machine.Apply(1, PutAll(100, ("k1", value)));
        machine.Apply(2, PutAll(100, ("k2", value)));

        Assert.Equal(ApplyStatus.Applied, machine.Apply(3, PutAll(100, ("k3", value), ("k4", value))).Status);
        Assert.Equal(("<absent>", value, value, value), (Value(machine, "k1"), Value(machine, "k2"), Value(machine, "k3"), Value(machine, "k4")));
        Assert.Equal(ApplyStatus.RefusedMemoryLimit, machine.Apply(4, PutAll(100, ("k5", value), ("k6", value), ("k7", value), ("k8", value))).Status);
        Assert.Equal("<absent>", Value(machine, "k5"));
    }

    [Fact]
    public void A_retried_session_write_returns_its_first_result()
    {
        var machine = new CacheStateMachine();
        var session = new ClientSession(7, 1, 1);
        var command = CommandCodec.EncodePutAllIfAbsent([(B("a"), B("1"))], 100, session);
        Assert.Equal(new ApplyResult(ApplyStatus.Applied, 1, 1), machine.Apply(1, command));
        machine.Apply(2, CommandCodec.EncodeDelete(B("a"), 100));

        var retry = machine.Apply(3, command);
        Assert.Equal((ApplyStatus.Applied, 1UL, 1L, true), (retry.Status, retry.Version, retry.Count, retry.IsDuplicate));
        Assert.Equal("<absent>", Value(machine, "a"));
    }

    [Fact]
    public void Truncations_trailing_bytes_and_empty_keys_are_rejected_without_changing_state()
    {
        var command = PutAll(1, ("a", "1"), ("bb", "22"));
        var machine = new CacheStateMachine();
        for (var length = 0; length < command.Length; length++)
        {
            Assert.Throws<StateMachineFormatException>(() => machine.Apply(1, command.AsSpan(0, length)));
        }

        Assert.Throws<StateMachineFormatException>(() => machine.Apply(1, [.. command, 0]));

        // The pair (len 1 "a", len 1 "1") rewritten in place as (len 0, len 2 "a1"): well framed, but a key of no bytes.
        var emptyKey = CommandCodec.EncodePutAllIfAbsent([(B("a"), B("1"))], 1);
        byte[] pair = [0, 0, 0, 0, 2, 0, 0, 0, (byte)'a', (byte)'1'];
        pair.CopyTo(emptyKey, emptyKey.Length - pair.Length);
        Assert.Throws<StateMachineFormatException>(() => machine.Apply(1, emptyKey));
        Assert.Equal(0UL, machine.AppliedIndex);
        Assert.Throws<ArgumentOutOfRangeException>(() => CommandCodec.EncodePutAllIfAbsent([(Array.Empty<byte>(), B("1"))], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CommandCodec.EncodePutAllIfAbsent([], 1));
    }
}
