// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Memory;

namespace RaftCache.Node.Tests.Memory;

/// <summary>When idle GC memory is handed back: only a large idle share, and rarely enough to cost no throughput.</summary>
public sealed class ReclaimPolicyTests
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(100, 90, 0, false)] // 10 MiB idle: below the byte floor
    [InlineData(300, 280, 0, false)] // 20 MiB idle on 280 live: above the floor, below 20 % of live
    [InlineData(300, 200, 0, true)] // 100 MiB idle on 200 live
    [InlineData(300, 260, 60, true)] // fragmentation is not live: 100 MiB idle on 200 live
    [InlineData(1300, 1100, 0, false)] // 200 MiB idle on 1,100 live: a large heap tolerates more slack
    public void Reclaims_only_when_the_idle_bytes_are_large_in_bytes_and_against_the_live_heap(long committedMiB, long heapMiB, long fragmentedMiB, bool expected)
    {
        Assert.Equal(expected, ReclaimPolicy.ShouldReclaim(committedMiB * MiB, heapMiB * MiB, fragmentedMiB * MiB, Long, TimeSpan.Zero, 0));
    }

    [Fact]
    public void Never_reclaims_twice_within_the_minimum_interval_nor_more_than_a_hundredth_of_the_time()
    {
        const long committed = 400 * MiB, heap = 200 * MiB;
        Assert.False(ReclaimPolicy.ShouldReclaim(committed, heap, 0, ReclaimPolicy.MinInterval - TimeSpan.FromSeconds(1), TimeSpan.Zero, 0));
        Assert.True(ReclaimPolicy.ShouldReclaim(committed, heap, 0, ReclaimPolicy.MinInterval, TimeSpan.Zero, 0));

        // A 2 s pause last time: the next waits 200 s, not 30.
        var pause = TimeSpan.FromSeconds(2);
        Assert.False(ReclaimPolicy.ShouldReclaim(committed, heap, 0, TimeSpan.FromSeconds(199), pause, 0));
        Assert.True(ReclaimPolicy.ShouldReclaim(committed, heap, 0, TimeSpan.FromSeconds(200), pause, 0));
    }

    [Fact]
    public void Never_reclaims_while_the_node_allocates_like_a_node_serving_requests()
    {
        const long committed = 400 * MiB, heap = 200 * MiB;
        Assert.True(ReclaimPolicy.ShouldReclaim(committed, heap, 0, Long, TimeSpan.Zero, ReclaimPolicy.MaxBusyAllocatedBytes));
        Assert.False(ReclaimPolicy.ShouldReclaim(committed, heap, 0, Long, TimeSpan.Zero, ReclaimPolicy.MaxBusyAllocatedBytes + 1));
        // A 68 MB snapshot sent or installed in the last five seconds.
        Assert.False(ReclaimPolicy.ShouldReclaim(committed, heap, 0, Long, TimeSpan.Zero, 68 * MiB));
    }

    [Fact]
    public void Idle_bytes_are_never_negative()
    {
        Assert.Equal(0, ReclaimPolicy.IdleBytes(committedBytes: 50 * MiB, heapBytes: 80 * MiB, fragmentedBytes: 0));
        Assert.Equal(40 * MiB, ReclaimPolicy.IdleBytes(committedBytes: 100 * MiB, heapBytes: 80 * MiB, fragmentedBytes: 20 * MiB));
    }
}
