// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Tests;

/// <summary>
/// Malformed commands: each case injects one defect into a valid encoding and checks that Apply throws
/// <see cref="StateMachineFormatException"/> without changing anything, not even the applied index.
/// </summary>
public sealed class CommandFormatTests
{
    private static readonly ClientSession Session = new(9, 5, 4);

    public static TheoryData<string, byte[]> ValidCommands => new()
    {
        { "put", CommandCodec.EncodePut("key"u8, "value"u8, "text/x-a"u8, 1_000, ExpiryMode.At, 5_000, WriteCondition.IfVersion, 3, Session) },
        { "put keep", CommandCodec.EncodePut("k"u8, [], "application/json"u8, 1_000, ExpiryMode.Keep, condition: WriteCondition.IfAbsent) },
        { "delete", CommandCodec.EncodeDelete("key"u8, 1_000, WriteCondition.IfVersion, 2, Session) },
        { "flush", CommandCodec.EncodeFlush(1_000, Session) },
        { "sweep", CommandCodec.EncodeExpirySweep(1_000, 900, 10) },
        { "memory limit", CommandCodec.EncodeSetMemoryLimit(1_000, 1 << 20) },
    };

    [Theory]
    [MemberData(nameof(ValidCommands))]
    public void Every_truncation_of_a_valid_command_is_rejected_and_changes_nothing(string name, byte[] command)
    {
        var machine = Seeded();
        var before = machine.ComputeStateHash();
        for (var length = 0; length < command.Length; length++)
        {
            var prefix = command[..length];
            var error = Assert.Throws<StateMachineFormatException>(() => machine.Apply(4, prefix));
            Assert.False(string.IsNullOrWhiteSpace(error.Message), name);
        }

        Assert.Equal(before, machine.ComputeStateHash());
        Assert.Equal(3UL, machine.AppliedIndex);
        machine.Apply(4, command);
        Assert.Equal(4UL, machine.AppliedIndex);
    }

    [Theory]
    [MemberData(nameof(ValidCommands))]
    public void A_valid_command_with_a_trailing_byte_is_rejected(string name, byte[] command)
    {
        var machine = Seeded();
        var error = Assert.Throws<StateMachineFormatException>(() => machine.Apply(4, [.. command, 0]));
        Assert.Contains("trailing", error.Message, StringComparison.Ordinal);
        Assert.Equal(3UL, machine.AppliedIndex);
        _ = name;
    }

    [Theory]
    [InlineData(0, 2, "format version 2")]
    [InlineData(1, 99, "kind 99")]
    [InlineData(2, 2, "flags")]
    public void Unknown_versions_kinds_and_flags_are_rejected_by_name(int offset, byte value, string expected)
    {
        var command = CommandCodec.EncodeFlush(1_000);
        command[offset] = value;

        var error = Assert.Throws<StateMachineFormatException>(() => Seeded().Apply(4, command));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_values_outside_their_domain_are_rejected()
    {
        var put = CommandCodec.EncodePut("k"u8, "v"u8, default, 1_000, ExpiryMode.At, 5_000);
        var machine = Seeded();
        Assert.Throws<StateMachineFormatException>(() => machine.Apply(4, With(put, 11, 7)));            // unknown condition
        Assert.Throws<StateMachineFormatException>(() => machine.Apply(4, With(put, 12, 1)));            // expected version without IfVersion
        Assert.Throws<StateMachineFormatException>(() => machine.Apply(4, With(put, 20, 9)));            // unknown expiry mode
        Assert.Throws<StateMachineFormatException>(() => machine.Apply(4, With(With(put, 29, 0), 30, 0))); // key length 0
        var session = CommandCodec.EncodeFlush(1_000, new ClientSession(1, 2, 2));
        Assert.Throws<StateMachineFormatException>(() => machine.Apply(4, With(session, 11, 0)));      // client id 0
        Assert.Throws<StateMachineFormatException>(() => machine.Apply(4, With(session, 27, 3)));         // first unacknowledged > sequence
        Assert.Equal(3UL, machine.AppliedIndex);
    }

    [Fact]
    public void Random_bytes_behind_a_valid_header_either_apply_or_throw_the_format_exception_and_nothing_else()
    {
        // Fuzz: 20,000 random bodies behind a plausible version/kind/flags prefix. Any other exception type
        // (index out of range, overflow, out of memory) would escape and fail the test.
        var random = new Random(2024);
        var machine = Seeded();
        var index = machine.AppliedIndex;
        var rejected = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var command = new byte[random.Next(0, 80)];
            random.NextBytes(command);
            if (command.Length >= 3)
            {
                command[0] = CacheCommand.FormatVersion;
                command[1] = (byte)random.Next(1, 6);
                command[2] &= 1;
            }

            try
            {
                machine.Apply(index + 1, command);
                index++;
            }
            catch (StateMachineFormatException)
            {
                rejected++;
                Assert.Equal(index, machine.AppliedIndex);
            }
        }

        Assert.InRange(rejected, 1, 20_000);
    }

    [Fact]
    public void Decoding_round_trips_every_field()
    {
        var command = CommandCodec.Decode(ValidCommands.Select(row => (byte[])row[1]).First());

        Assert.Equal(CommandKind.Put, command.Kind);
        Assert.Equal(1_000, command.TimestampMs);
        Assert.Equal(Session, command.Session);
        Assert.Equal(WriteCondition.IfVersion, command.Condition);
        Assert.Equal(3UL, command.ExpectedVersion);
        Assert.Equal(ExpiryMode.At, command.ExpiryMode);
        Assert.Equal(5_000, command.ExpiresAtMs);
        Assert.Equal("key"u8.ToArray(), command.Key.ToArray());
        Assert.Equal("text/x-a"u8.ToArray(), command.ContentType.ToArray());
        Assert.Equal("value"u8.ToArray(), command.Value.ToArray());
    }

    [Fact]
    public void Applying_at_an_index_not_above_the_applied_index_is_a_caller_error()
    {
        var machine = Seeded();
        Assert.Throws<ArgumentOutOfRangeException>(() => machine.Apply(3, CommandCodec.EncodeFlush(1)));
        Assert.Equal(3, machine.Count);
    }

    private static byte[] With(byte[] command, int offset, params byte[] bytes)
    {
        var copy = (byte[])command.Clone();
        bytes.CopyTo(copy, offset);
        return copy;
    }

    private static CacheStateMachine Seeded()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("key", "1", 1_000).Encode());
        machine.Apply(2, TestCommand.Put("k", "2", 1_000, 3_000).Encode());
        machine.Apply(3, TestCommand.Put("other", "3", 1_000).Encode());
        return machine;
    }
}
