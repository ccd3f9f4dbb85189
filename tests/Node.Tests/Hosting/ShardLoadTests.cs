// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>Per-shard request counts by origin member, in windows.</summary>
public sealed class ShardLoadTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_window_shows_only_once_it_has_closed()
    {
        var load = new ShardLoad();
        load.Rotate(Start, Window);
        load.Note(3, 1);
        load.Note(3, 1);
        load.Note(3, 2);
        load.Note(4, 2);
        Assert.Empty(load.LastWindow(3));

        load.Rotate(Start + Window / 2, Window); // not yet
        Assert.Empty(load.LastWindow(3));

        load.Rotate(Start + Window, Window);
        Assert.Equal(new Dictionary<ulong, long> { [1] = 2, [2] = 1 }, load.LastWindow(3));
        Assert.Equal(new Dictionary<ulong, long> { [2] = 1 }, load.LastWindow(4));
        Assert.Empty(load.LastWindow(5));
    }

    [Fact]
    public void Each_window_counts_afresh_and_a_silent_origin_drops_out()
    {
        var load = new ShardLoad();
        load.Rotate(Start, Window);
        load.Note(1, 7);
        load.Rotate(Start + Window, Window);
        load.Note(1, 8);
        load.Rotate(Start + 2 * Window, Window);
        Assert.Equal(new Dictionary<ulong, long> { [8] = 1 }, load.LastWindow(1));
        load.Rotate(Start + 3 * Window, Window);
        Assert.Empty(load.LastWindow(1));
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
        for (var shard = 0; shard < 4; shard++)
            Assert.Equal(new Dictionary<ulong, long> { [1] = 10_000, [2] = 10_000 }, load.LastWindow(shard));
    }
}
