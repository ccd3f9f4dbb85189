// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>Per-shard request counts by origin member, in windows averaged into the previous average.</summary>
public sealed class ShardLoadTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private static void Note(ShardLoad load, int shard, ulong origin, int times)
    {
        for (var i = 0; i < times; i++) load.Note(shard, origin);
    }

    [Fact]
    public void A_window_counts_only_once_it_has_closed()
    {
        var load = new ShardLoad();
        load.Rotate(Start, Window);
        Note(load, 3, 1, 400);
        Note(load, 3, 2, 200);
        Note(load, 4, 2, 100);
        Assert.Empty(load.Average(3));

        load.Rotate(Start + Window / 2, Window); // not yet
        Assert.Empty(load.Average(3));

        load.Rotate(Start + Window, Window);
        Assert.Equal(new Dictionary<ulong, long> { [1] = 200, [2] = 100 }, load.Average(3));
        Assert.Equal(new Dictionary<ulong, long> { [2] = 50 }, load.Average(4));
        Assert.Empty(load.Average(5));
    }

    [Fact]
    public void A_steady_rate_converges_to_its_count_per_window_and_a_burst_fades_over_the_windows_after_it()
    {
        var load = new ShardLoad();
        load.Rotate(Start, Window);
        var at = Start;
        long[] steady = new long[4];
        for (var w = 0; w < 4; w++)
        {
            Note(load, 1, 7, 1000);
            load.Rotate(at += Window, Window);
            steady[w] = load.Average(1)[7];
        }
        Assert.Equal(new long[] { 500, 750, 875, 937 }, steady);

        // The origin goes quiet: its average halves each window and leaves once it reaches zero.
        load.Rotate(at += Window, Window);
        Assert.Equal(468, load.Average(1)[7]);
        for (var w = 0; w < 9; w++) load.Rotate(at += Window, Window);
        Assert.Empty(load.Average(1));
    }

    [Fact]
    public void Counts_from_many_threads_add_up()
    {
        var load = new ShardLoad();
        load.Rotate(Start, Window);
        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 10_000; i++) load.Note(i % 4, (ulong)(worker % 2) + 1);
        });
        load.Rotate(Start + Window, Window);
        // 10,000 per shard and origin, averaged with the empty window before it.
        for (var shard = 0; shard < 4; shard++)
            Assert.Equal(new Dictionary<ulong, long> { [1] = 5_000, [2] = 5_000 }, load.Average(shard));
    }
}
