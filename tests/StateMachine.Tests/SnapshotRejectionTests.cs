// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;

namespace RaftCache.StateMachine.Tests;

/// <summary>
/// Damaged snapshots: each test injects one kind of damage into a valid snapshot (of a state with entries over
/// several frames and sessions) and checks that restore throws <see cref="StateMachineFormatException"/> and that the
/// replica it was restored into keeps its previous state exactly (same hash, same applied index).
/// </summary>
public sealed class SnapshotRejectionTests
{
    /// <summary>Snapshot header size (docs/state-machine.md); frames start here.</summary>
    private const int HeaderBytes = 36;

    private static readonly byte[] Valid = BuildSnapshot();

    [Fact]
    public void Every_truncation_of_a_snapshot_is_rejected_and_leaves_the_state_unchanged()
    {
        var target = Bystander();
        var before = target.ComputeStateHash();
        for (var length = 0; length < Valid.Length; length++)
        {
            var prefix = Valid.AsSpan(0, length).ToArray();
            Assert.Throws<StateMachineFormatException>(() => target.RestoreSnapshot(new MemoryStream(prefix)));
        }

        Assert.Equal(before, target.ComputeStateHash());
        Assert.Equal(7UL, target.AppliedIndex);
    }

    [Fact]
    public void Flipping_any_single_bit_of_a_snapshot_is_detected()
    {
        var target = Bystander();
        var before = target.ComputeStateHash();
        for (var position = 0; position < Valid.Length; position++)
        {
            var damaged = (byte[])Valid.Clone();
            damaged[position] ^= (byte)(1 << (position % 8));
            Assert.Throws<StateMachineFormatException>(() => target.RestoreSnapshot(new MemoryStream(damaged)));
        }

        Assert.Equal(before, target.ComputeStateHash());
    }

    [Fact]
    public void A_snapshot_of_another_format_version_is_rejected_with_a_message_naming_both_versions()
    {
        var other = (byte[])Valid.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(other.AsSpan(4), 2);

        var error = Assert.Throws<StateMachineFormatException>(() => Bystander().RestoreSnapshot(new MemoryStream(other)));

        Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("version 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_a_snapshot_are_rejected_as_such()
    {
        var error = Assert.Throws<StateMachineFormatException>(
            () => Bystander().RestoreSnapshot(new MemoryStream("this is not a snapshot at all"u8.ToArray())));

        Assert.Contains("magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_damage_tests_use_a_snapshot_with_entries_and_sessions()
    {
        var restored = Replay.Restored(Valid);
        Assert.True(restored.Count > 3);
        Assert.True(restored.SessionCount > 0);
    }

    [Fact]
    public void A_snapshot_missing_a_whole_frame_is_rejected_even_though_every_remaining_frame_is_valid()
    {
        // Cut out the first entries frame; CRCs of the other frames still hold, so only the end counts catch this.
        var firstFrameLength = BinaryPrimitives.ReadInt32LittleEndian(Valid.AsSpan(HeaderBytes + 1));
        var frameEnd = HeaderBytes + 5 + firstFrameLength + 4;
        var spliced = Valid.AsSpan(0, HeaderBytes).ToArray().Concat(Valid.AsSpan(frameEnd).ToArray()).ToArray();

        var error = Assert.Throws<StateMachineFormatException>(() => Bystander().RestoreSnapshot(new MemoryStream(spliced)));

        Assert.Contains("incomplete", error.Message, StringComparison.Ordinal);
    }

    private static CacheStateMachine Bystander()
    {
        var machine = new CacheStateMachine();
        for (ulong i = 1; i <= 7; i++)
        {
            machine.Apply(i, TestCommand.Put($"bystander{i}", "v", 1_000).Encode());
        }

        return machine;
    }

    private static byte[] BuildSnapshot()
    {
        // Entries with custom content types and expiries, and sessions with results: every record kind.
        var machine = new CacheStateMachine(ScenarioDriver.Options(1 << 30, 3));
        var log = Replay.Log(seed: 42, count: 60, memoryLimit: 1 << 30);
        for (var i = 0; i < log.Count; i++)
        {
            machine.Apply((ulong)i + 1, log[i]);
        }

        Assert.True(machine.SessionCount > 0);
        return Replay.Snapshot(machine);
    }

    [Fact]
    public void Truncations_of_a_multi_frame_snapshot_are_rejected_at_and_around_every_frame_boundary()
    {
        var machine = new CacheStateMachine();
        for (ulong i = 1; i <= 40; i++)
        {
            machine.Apply(i, CommandCodec.EncodePut(BitConverter.GetBytes(i), new byte[4_000], "x/y"u8, 1_000));
        }

        var snapshot = Replay.Snapshot(machine);
        var cuts = new List<int>();
        for (var frame = HeaderBytes; frame < snapshot.Length; frame += 5 + BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(frame + 1)) + 4)
        {
            cuts.AddRange([frame - 1, frame, frame + 1, frame + 4, frame + 5]);
        }

        Assert.True(cuts.Count >= 4 * 5, "expected at least two entries frames, a sessions frame and an end frame");
        cuts.AddRange(Enumerable.Range(0, snapshot.Length / 997).Select(i => i * 997));
        var target = Bystander();
        foreach (var cut in cuts.Where(c => c >= 0 && c < snapshot.Length))
        {
            Assert.Throws<StateMachineFormatException>(() => target.RestoreSnapshot(new MemoryStream(snapshot[..cut])));
        }

        Assert.Equal(7UL, target.AppliedIndex);
        target.RestoreSnapshot(new MemoryStream(snapshot));
        Assert.Equal(machine.ComputeStateHash(), target.ComputeStateHash());
    }
}
