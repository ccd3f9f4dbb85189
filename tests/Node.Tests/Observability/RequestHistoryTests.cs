// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Time.Testing;
using RaftCache.Node.Observability;

namespace RaftCache.Node.Tests.Observability;

public sealed class RequestHistoryTests
{
    [Fact]
    public void Rate_errors_and_p99_come_from_the_bucket_of_their_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000_000));
        var history = new RequestHistory(time);
        for (var i = 0; i < 99; i++) history.Record(0.0008, 200);
        history.Record(0.3, 503);

        var buckets = history.Read();

        Assert.Equal(RequestHistory.Buckets, buckets.Count);
        var last = buckets[^1];
        Assert.Equal(100.0 / RequestHistory.BucketSeconds, last.Rate);
        Assert.Equal(1, last.Errors);
        Assert.Equal(0.001, last.P99Seconds); // the 99th of 100 requests took under 1 ms
        Assert.All(buckets.SkipLast(1), b => Assert.Null(b.P99Seconds));
    }

    [Fact]
    public void Old_buckets_leave_the_window_and_memory_stays_fixed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000_000));
        var history = new RequestHistory(time);
        history.Record(2.5, 200);
        time.Advance(TimeSpan.FromSeconds(RequestHistory.BucketSeconds));
        history.Record(0.01, 200);

        Assert.Equal(5, history.Read()[^2].P99Seconds);
        Assert.Equal(0.01, history.Read()[^1].P99Seconds);

        time.Advance(RequestHistory.Window);
        history.Record(0.01, 200);

        var buckets = history.Read();
        Assert.Equal(RequestHistory.Buckets, buckets.Count);
        Assert.Equal(1, buckets.Count(b => b.Rate > 0)); // the slot reused after a full turn was reset first
    }
}
