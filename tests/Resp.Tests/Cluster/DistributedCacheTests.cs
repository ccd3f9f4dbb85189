// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>ASP.NET Core's IDistributedCache over Microsoft.Extensions.Caching.StackExchangeRedis, unchanged.</summary>
public sealed class DistributedCacheTests(RespCluster fixture) : IClassFixture<RespCluster>
{
    private RedisCache CacheOn(int node) => new(Options.Create(new RedisCacheOptions
    {
        Configuration = $"{RespCluster.EndpointOf(fixture.Cluster.Node(node))},password={fixture.AdminKey},abortConnect=true",
        InstanceName = "app:",
    }));

    [Fact]
    public async Task Set_get_refresh_and_remove_work_through_different_nodes()
    {
        using var first = CacheOn(1);
        using var second = CacheOn(2);
        await first.SetAsync("session-a", Encoding.UTF8.GetBytes("payload"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) });
        Assert.Equal("payload", Encoding.UTF8.GetString((await second.GetAsync("session-a"))!));
        await second.RefreshAsync("session-a");
        await second.RemoveAsync("session-a");
        Assert.Null(await first.GetAsync("session-a"));
    }

    [Fact]
    public async Task An_absolute_expiry_ends_the_entry()
    {
        using var cache = CacheOn(3);
        var lifetime = TimeSpan.FromSeconds(3);
        var written = System.Diagnostics.Stopwatch.StartNew();
        await cache.SetAsync("short", "x"u8.ToArray(), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime });
        // Read back before the expiry: the write and the read are replicated round trips, which a loaded machine can
        // stretch past the lifetime, and then the entry is rightly gone; only a read that ended in time must find it.
        var early = await cache.GetAsync("short");
        var readAfter = written.Elapsed;
        Assert.True(early is not null || readAfter >= lifetime, $"the entry was gone {readAfter.TotalMilliseconds:F0} ms after it was written for {lifetime}");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await cache.GetAsync("short") is not null && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Null(await cache.GetAsync("short"));
    }

    [Fact]
    public async Task A_sliding_expiry_is_extended_by_reads_and_ends_without_them()
    {
        using var cache = CacheOn(1);
        var window = TimeSpan.FromSeconds(4);
        await cache.SetAsync("slide", "x"u8.ToArray(), new DistributedCacheEntryOptions { SlidingExpiration = window });
        await using var redis = await fixture.ConnectAsync(2);
        var db = redis.GetDatabase();
        var held = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 4; i++)
        {
            // Each read slides the expiry forward: right after it the key's TTL is the whole window again, less the
            // time the read and the TTL query themselves took (measured, so a slow machine does not fail the test).
            await Task.Delay(window / 2.5);
            var read = System.Diagnostics.Stopwatch.StartNew();
            Assert.NotNull(await cache.GetAsync("slide"));
            var ttl = (await db.KeyTimeToLiveAsync("app:slide"))!.Value;
            Assert.InRange(ttl.TotalMilliseconds, (window - read.Elapsed).TotalMilliseconds - 100, window.TotalMilliseconds);
        }

        // The reads kept the key alive for longer than one window.
        Assert.True(held.Elapsed > window, $"the loop took {held.Elapsed}, not longer than the {window} window");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await db.KeyExistsAsync("app:slide") && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Null(await cache.GetAsync("slide"));
    }
}
