// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.StateMachine.Tests;

/// <summary>The read-modify-write kinds: increments, append, expiry changes and hashes, computed at apply time.</summary>
public sealed class DataCommandTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string Value(CacheStateMachine machine, string key, long now = 0) =>
        machine.TryGet(B(key), now, out var entry) ? Encoding.UTF8.GetString(entry.Value.Span) : "<absent>";

    [Fact]
    public void Increments_create_add_keep_the_expiry_and_report_the_new_value()
    {
        var machine = new CacheStateMachine();
        Assert.Equal(new ApplyResult(ApplyStatus.Applied, 1, 5), machine.Apply(1, CommandCodec.EncodeIncrementBy(B("n"), 5, 100)));
        machine.Apply(2, CommandCodec.EncodeSetExpiry(B("n"), ExpiryMode.At, 9_000, 100));
        Assert.Equal(new ApplyResult(ApplyStatus.Applied, 3, -2), machine.Apply(3, CommandCodec.EncodeIncrementBy(B("n"), -7, 200)));
        Assert.True(machine.TryGet(B("n"), 200, out var entry));
        Assert.Equal(("-2", 9_000L), (Encoding.UTF8.GetString(entry.Value.Span), entry.ExpiresAtMs!.Value));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData("-0")]
    [InlineData("99999999999999999999")]
    public void An_increment_of_a_value_that_is_not_an_integer_changes_nothing(string text)
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("n", text, 100).Encode());
        Assert.Equal(new ApplyResult(ApplyStatus.NotAnInteger, 1, 0), machine.Apply(2, CommandCodec.EncodeIncrementBy(B("n"), 1, 100)));
        Assert.True(machine.TryGet(B("n"), 0, out var entry));
        Assert.Equal(1UL, entry.Version);
        Assert.Equal(text, Value(machine, "n"));
    }

    [Fact]
    public void An_increment_past_the_64_bit_range_is_refused_as_overflow()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("n", long.MaxValue.ToString(), 100).Encode());
        Assert.Equal(ApplyStatus.Overflow, machine.Apply(2, CommandCodec.EncodeIncrementBy(B("n"), 1, 100)).Status);
        Assert.Equal(long.MinValue, machine.Apply(3, CommandCodec.EncodeIncrementBy(B("m"), long.MinValue, 100)).Count);
        Assert.Equal(ApplyStatus.Overflow, machine.Apply(4, CommandCodec.EncodeIncrementBy(B("m"), -1, 100)).Status);
    }

    [Fact]
    public void Append_concatenates_and_returns_the_new_length()
    {
        var machine = new CacheStateMachine();
        Assert.Equal(2, machine.Apply(1, CommandCodec.EncodeAppend(B("a"), B("he"), 100)).Count);
        Assert.Equal(5, machine.Apply(2, CommandCodec.EncodeAppend(B("a"), B("llo"), 100)).Count);
        Assert.Equal("hello", Value(machine, "a"));
    }

    [Fact]
    public void Set_expiry_changes_only_visible_keys_persist_clears_and_a_past_instant_removes()
    {
        var machine = new CacheStateMachine();
        Assert.Equal(0, machine.Apply(1, CommandCodec.EncodeSetExpiry(B("k"), ExpiryMode.At, 5_000, 100)).Count);
        machine.Apply(2, TestCommand.Put("k", "v", 100).Encode());
        Assert.Equal(0, machine.Apply(3, CommandCodec.EncodeSetExpiry(B("k"), ExpiryMode.None, 0, 100)).Count);
        Assert.Equal(1, machine.Apply(4, CommandCodec.EncodeSetExpiry(B("k"), ExpiryMode.At, 5_000, 100)).Count);
        Assert.True(machine.TryGet(B("k"), 100, out var entry));
        Assert.Equal((5_000L, 4UL), (entry.ExpiresAtMs!.Value, entry.Version));
        Assert.Equal(1, machine.Apply(5, CommandCodec.EncodeSetExpiry(B("k"), ExpiryMode.None, 0, 200)).Count);
        Assert.True(machine.TryGet(B("k"), long.MaxValue - 1, out _));
        Assert.Equal(ApplyStatus.PreconditionFailed,
            machine.Apply(6, CommandCodec.EncodeSetExpiry(B("k"), ExpiryMode.At, 100, 300, WriteCondition.IfVersion, 4)).Status);
        Assert.Equal(1, machine.Apply(7, CommandCodec.EncodeSetExpiry(B("k"), ExpiryMode.At, 300, 300, WriteCondition.IfVersion, 5)).Count);
        Assert.Equal(0, machine.Count);
    }

    [Fact]
    public void Hashes_set_count_new_fields_delete_fields_and_vanish_with_the_last()
    {
        var machine = new CacheStateMachine();
        Assert.Equal(2, machine.Apply(1, CommandCodec.EncodeHashSet(B("h"), [(B("b"), B("2")), (B("a"), B("1"))], false, 100)).Count);
        Assert.Equal(1, machine.Apply(2, CommandCodec.EncodeHashSet(B("h"), [(B("a"), B("x")), (B("c"), B("3"))], false, 100)).Count);
        Assert.Equal(0, machine.Apply(3, CommandCodec.EncodeHashSet(B("h"), [(B("a"), B("y"))], true, 100)).Count);
        Assert.Equal(7, machine.Apply(4, CommandCodec.EncodeHashIncrementBy(B("h"), B("n"), 7, 100)).Count);
        Assert.True(machine.TryGet(B("h"), 100, out var entry));
        Assert.True(HashValue.IsHash(entry.ContentType.Span));
        Assert.True(HashValue.TryDecode(entry.Value.Span, out var fields));
        Assert.Equal(["a=x", "b=2", "c=3", "n=7"], fields.Select(f => $"{Encoding.UTF8.GetString(f.Key)}={Encoding.UTF8.GetString(f.Value)}"));
        Assert.Equal(2, machine.Apply(5, CommandCodec.EncodeHashDelete(B("h"), [B("a"), B("b"), B("zz")], 100)).Count);
        Assert.Equal(2, machine.Apply(6, CommandCodec.EncodeHashDelete(B("h"), [B("c"), B("n")], 100)).Count);
        Assert.Equal(0, machine.Count);
    }

    [Fact]
    public void A_string_command_on_a_hash_and_a_hash_command_on_a_string_are_wrong_type()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, CommandCodec.EncodeHashSet(B("h"), [(B("f"), B("1"))], false, 100));
        machine.Apply(2, TestCommand.Put("s", "1", 100).Encode());
        Assert.Equal(ApplyStatus.WrongType, machine.Apply(3, CommandCodec.EncodeIncrementBy(B("h"), 1, 100)).Status);
        Assert.Equal(ApplyStatus.WrongType, machine.Apply(4, CommandCodec.EncodeAppend(B("h"), B("x"), 100)).Status);
        Assert.Equal(ApplyStatus.WrongType, machine.Apply(5, CommandCodec.EncodeHashSet(B("s"), [(B("f"), B("1"))], false, 100)).Status);
        Assert.Equal(ApplyStatus.WrongType, machine.Apply(6, CommandCodec.EncodeHashIncrementBy(B("s"), B("f"), 1, 100)).Status);
        machine.Apply(7, CommandCodec.EncodeHashSet(B("h"), [(B("f"), B("x"))], false, 100));
        Assert.Equal(ApplyStatus.NotAnInteger, machine.Apply(8, CommandCodec.EncodeHashIncrementBy(B("h"), B("f"), 1, 100)).Status);
    }

    [Fact]
    public void Put_if_present_writes_only_over_a_visible_key()
    {
        var machine = new CacheStateMachine();
        var ifPresent = TestCommand.Put("k", "v", 100) with { Condition = WriteCondition.IfPresent };
        Assert.Equal(ApplyStatus.PreconditionFailed, machine.Apply(1, ifPresent.Encode()).Status);
        machine.Apply(2, TestCommand.Put("k", "old", 100).Encode());
        Assert.Equal(ApplyStatus.Applied, machine.Apply(3, ifPresent.Encode()).Status);
        Assert.Equal("v", Value(machine, "k"));
    }

    [Fact]
    public void Every_new_kind_rejects_each_truncation_and_trailing_bytes_without_changing_state()
    {
        byte[][] commands =
        [
            CommandCodec.EncodeIncrementBy(B("k"), 3, 1),
            CommandCodec.EncodeAppend(B("k"), B("v"), 1),
            CommandCodec.EncodeSetExpiry(B("k"), ExpiryMode.At, 9, 1),
            CommandCodec.EncodeHashSet(B("k"), [(B("f"), B("v"))], true, 1),
            CommandCodec.EncodeHashDelete(B("k"), [B("f")], 1),
            CommandCodec.EncodeHashIncrementBy(B("k"), B("f"), 2, 1),
        ];
        foreach (var command in commands)
        {
            var machine = new CacheStateMachine();
            for (var length = 0; length < command.Length; length++)
            {
                Assert.Throws<StateMachineFormatException>(() => machine.Apply(1, command.AsSpan(0, length)));
            }

            Assert.Throws<StateMachineFormatException>(() => machine.Apply(1, [.. command, 0]));
            Assert.Equal(0UL, machine.AppliedIndex);
            Assert.Equal(ApplyStatus.Applied, machine.Apply(1, command).Status);
        }
    }

    [Fact]
    public void Replicas_applying_the_same_data_commands_reach_the_same_state_hash()
    {
        var a = new CacheStateMachine(new StateMachineOptions { HashSeed = 1 });
        var b = new CacheStateMachine(new StateMachineOptions { HashSeed = 99 });
        var random = new Random(4242);
        for (ulong i = 1; i <= 400; i++)
        {
            var key = B("k" + random.Next(8));
            var command = random.Next(5) switch
            {
                0 => CommandCodec.EncodeIncrementBy(key, random.Next(-5, 5), (long)i),
                1 => CommandCodec.EncodeAppend(key, B("x"), (long)i),
                2 => CommandCodec.EncodeSetExpiry(key, ExpiryMode.At, (long)i + random.Next(50), (long)i),
                3 => CommandCodec.EncodeHashSet(key, [(B("f" + random.Next(3)), B("v"))], false, (long)i),
                _ => CommandCodec.EncodeHashDelete(key, [B("f" + random.Next(3))], (long)i),
            };
            Assert.Equal(a.Apply(i, command), b.Apply(i, command));
            Assert.Equal(a.ComputeStateHash(), b.ComputeStateHash());
        }
    }
}
