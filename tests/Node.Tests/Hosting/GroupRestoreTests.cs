// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;
using RaftCache.StateMachine;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>
/// A shard replica restores from a snapshot where its bytes lie: a slice of a received frame, at an offset, that the
/// transport no longer touches but the replica must not keep.
/// </summary>
public sealed class GroupRestoreTests
{
    [Fact]
    public void A_snapshot_read_from_a_slice_of_a_larger_array_restores_every_value_and_keeps_none_of_the_array()
    {
        var source = new CacheGroupStateMachine(new StateMachineOptions());
        for (var i = 1; i <= 50; i++) source.Apply((ulong)i, CommandCodec.EncodePut(SnapshotHosts.Key(i), SnapshotHosts.Value(i), "text/plain"u8, 0).AsSpan());
        var snapshot = source.Snapshot();
        // Injected: the snapshot inside a frame, with bytes before and after it that are not snapshot.
        var frame = new byte[snapshot.Length + 300];
        frame.AsSpan().Fill(0xEE);
        snapshot.CopyTo(frame, 100);

        var restored = new CacheGroupStateMachine(new StateMachineOptions());
        restored.Restore(frame.AsMemory(100, snapshot.Length));
        frame.AsSpan().Fill(0x11); // the transport's array may be reused or collected: nothing must depend on it

        Assert.Equal(50UL, restored.AppliedIndex);
        for (var i = 1; i <= 50; i++)
        {
            Assert.True(restored.TryGet(SnapshotHosts.Key(i), 0, out var entry), $"key {i}");
            Assert.Equal(SnapshotHosts.Value(i), entry.Value.ToArray());
        }
    }
}
