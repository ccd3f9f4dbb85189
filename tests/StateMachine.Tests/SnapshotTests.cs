// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public void A_snapshot_taken_at_random_points_restores_an_identical_state_that_keeps_evolving_identically()
    {
        for (var seed = 0; seed < 12; seed++)
        {
            var log = Replay.Log(seed, 300);
            var cut = 1 + (seed * 23 % 299);
            var original = new CacheStateMachine(ScenarioDriver.Options(3_000, 1));
            for (var i = 0; i < cut; i++)
            {
                original.Apply((ulong)i + 1, log[i]);
            }

            // The restored replica has another hash seed, so its table layout differs; nothing observable may.
            var restored = Replay.Restored(Replay.Snapshot(original));
            Assert.Equal(original.ComputeStateHash(), restored.ComputeStateHash());
            var now = CommandCodec.Decode(log[cut - 1]).TimestampMs;
            Compare.SameReads(original, restored, now);
            Compare.SameReads(original, restored, now + 1_000);

            // Eviction heap, sessions and memory limit must have been restored too, or later results diverge.
            for (var i = cut; i < log.Count; i++)
            {
                Assert.Equal(original.Apply((ulong)i + 1, log[i]), restored.Apply((ulong)i + 1, log[i]));
            }

            Assert.Equal(original.ComputeStateHash(), restored.ComputeStateHash());
        }
    }

    [Fact]
    public void A_captured_snapshot_shows_the_state_at_capture_even_if_writes_follow_before_it_is_written()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("a", "1", 1_000).Encode());
        var hashAtCapture = machine.ComputeStateHash();
        var captured = machine.CaptureSnapshot();
        machine.Apply(2, TestCommand.Put("a", "2", 1_000).Encode());
        machine.Apply(3, TestCommand.Put("b", "3", 1_000).Encode());

        using var stream = new MemoryStream();
        captured.WriteTo(stream);
        var restored = Replay.Restored(stream.ToArray());

        Assert.Equal(hashAtCapture, restored.ComputeStateHash());
        Assert.Equal(1UL, restored.AppliedIndex);
        Assert.True(restored.TryGet("a"u8, 0, out var a));
        Assert.Equal("1"u8.ToArray(), a.Value.ToArray());
        Assert.False(restored.TryGet("b"u8, 0, out _));
    }

    [Fact]
    public void An_empty_state_round_trips()
    {
        var empty = new CacheStateMachine();
        Assert.Equal(empty.ComputeStateHash(), Replay.Restored(Replay.Snapshot(empty)).ComputeStateHash());
    }

    [Fact]
    public void A_value_larger_than_one_frame_round_trips()
    {
        var machine = new CacheStateMachine();
        var big = new byte[200_000];
        new Random(5).NextBytes(big);
        machine.Apply(1, CommandCodec.EncodePut("big"u8, big, "application/octet-stream"u8, 1_000));
        machine.Apply(2, TestCommand.Put("small", "x", 1_000).Encode());

        var restored = Replay.Restored(Replay.Snapshot(machine));

        Assert.True(restored.TryGet("big"u8, 0, out var entry));
        Assert.Equal(big, entry.Value.ToArray());
        Assert.Equal(machine.ComputeStateHash(), restored.ComputeStateHash());
    }
}
