// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Fuzzing;
using Xunit.Abstractions;

namespace RaftCache.StateMachine.Tests.Fuzz;

/// <summary>
/// Hostile bytes for the command decoder and the snapshot reader (the state machine's two inputs from the log and
/// the network). Promise checked for every input: it decodes, or <see cref="StateMachineFormatException"/> says
/// why; nothing else is thrown, nothing hangs, and allocation stays proportional to the input. Inputs that once
/// broke a promise live in Fuzz/corpus/&lt;target&gt;/*.hex and run as regression tests.
/// </summary>
public sealed class StateMachineFuzzTests(ITestOutputHelper output)
{
    private static readonly StateMachineOptions Options = new() { MemoryLimitBytes = 1 << 20, HashSeed = 42 };

    // A command decodes into at most a copy of its bytes plus small objects.
    private static readonly FuzzTarget Command = new("command", input => CommandCodec.Decode(input),
        e => e is StateMachineFormatException, AllocationPerInputByte: 4, AllocationConstant: 4096);

    // Restoring allocates the tables (a fixed minimum), the frame buffer (64 KiB) and a copy of each entry.
    private static readonly FuzzTarget Snapshot = new("snapshot", input => new CacheStateMachine(Options).RestoreSnapshot(new MemoryStream(input, writable: false)),
        e => e is StateMachineFormatException, AllocationPerInputByte: 64, AllocationConstant: 512 * 1024);

    private static IReadOnlyList<byte[]> CommandSamples() =>
    [
        CommandCodec.EncodePut("key"u8, "value"u8, "text/plain"u8, 1000, ExpiryMode.At, 5000, WriteCondition.IfVersion, 3, new ClientSession(7, 4, 2)),
        CommandCodec.EncodePut("k"u8, new byte[300], ""u8, 1, condition: WriteCondition.IfAbsent),
        CommandCodec.EncodeDelete("key"u8, 2, WriteCondition.IfVersion, 9, new ClientSession(1, 1, 1)),
        CommandCodec.EncodeFlush(3),
        CommandCodec.EncodeExpirySweep(4, 100, 10),
        CommandCodec.EncodeSetMemoryLimit(5, 1 << 20),
    ];

    private static IReadOnlyList<byte[]> SnapshotSamples()
    {
        var samples = new List<byte[]>();
        var machine = new CacheStateMachine(Options);
        for (var i = 0; i < 3; i++)
        {
            machine.Apply((ulong)(2 * i + 1), CommandCodec.EncodePut(Encoding.UTF8.GetBytes($"key-{i}"), new byte[i * 40], "a/b"u8, 10, ExpiryMode.At, 10_000 + i));
            machine.Apply((ulong)(2 * i + 2), CommandCodec.EncodePut(Encoding.UTF8.GetBytes($"s-{i}"), "v"u8, ""u8, 10, session: new ClientSession((ulong)i + 1, 3, 1)));
            using var stream = new MemoryStream();
            machine.WriteSnapshot(stream);
            samples.Add(stream.ToArray());
        }
        return samples;
    }

    [Fact]
    public void The_command_decoder_answers_every_hostile_input_with_a_format_error_or_a_command()
    {
        Assert.True(FuzzHarness.Run(Command, CommandSamples(), output.WriteLine) > 0);
    }

    [Fact]
    public void The_snapshot_reader_answers_every_hostile_input_with_a_format_error_or_a_state()
    {
        Assert.True(FuzzHarness.Run(Snapshot, SnapshotSamples(), output.WriteLine) > 0);
    }

    [Fact]
    public void The_valid_samples_pass_the_promises_too()
    {
        // Guards the fuzz bounds themselves: if valid inputs broke them, findings would be noise.
        foreach (var sample in CommandSamples()) FuzzHarness.Check(Command, sample);
        foreach (var sample in SnapshotSamples()) FuzzHarness.Check(Snapshot, sample);
    }

    public static TheoryData<string, string> Corpus()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in new[] { "command", "snapshot" })
        {
            foreach (var (name, _) in FuzzHarness.Corpus(Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus", target))) data.Add(target, name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Every_input_a_fuzzer_once_found_is_answered_with_a_clear_error(string target, string name)
    {
        var input = FuzzHarness.Corpus(Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus", target)).Single(c => c.Name == name).Input;
        FuzzHarness.Check(target == "command" ? Command : Snapshot, input);
    }
}
