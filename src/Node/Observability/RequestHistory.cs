// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Observability;

/// <summary>
/// This node's client requests over the last <see cref="Window"/>, in <see cref="BucketSeconds"/>-second buckets:
/// count, server errors and a latency histogram per bucket, from which the dashboard draws rate and p99. Fixed
/// memory: <see cref="Buckets"/> buckets, reused round-robin.
/// </summary>
public sealed class RequestHistory(TimeProvider time)
{
    public const int BucketSeconds = 5;
    public const int Buckets = 180;
    public static TimeSpan Window => TimeSpan.FromSeconds(BucketSeconds * Buckets);

    /// <summary>Upper bounds (seconds) of the latency classes; the last class is unbounded.</summary>
    public static readonly double[] LatencyBounds = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

    private readonly Lock _lock = new();
    private readonly Slot[] _slots = Enumerable.Range(0, Buckets).Select(_ => new Slot()).ToArray();

    public void Record(double seconds, int status)
    {
        var epoch = time.GetUtcNow().ToUnixTimeSeconds() / BucketSeconds;
        var latencyClass = LatencyClassOf(seconds);
        lock (_lock)
        {
            var slot = _slots[epoch % Buckets];
            if (slot.Epoch != epoch) slot.Reset(epoch);
            slot.Count++;
            if (status >= 500) slot.Errors++;
            slot.Latency[latencyClass < 0 ? LatencyBounds.Length : latencyClass]++;
        }
    }

    // A loop, not Array.FindIndex with a lambda: that allocated a closure per request.
    private static int LatencyClassOf(double seconds)
    {
        for (var i = 0; i < LatencyBounds.Length; i++)
        {
            if (seconds <= LatencyBounds[i]) return i;
        }
        return -1;
    }

    /// <summary>The buckets of the window, oldest first; empty buckets included so charts keep their time axis.</summary>
    public IReadOnlyList<RequestBucket> Read()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds() / BucketSeconds;
        var result = new List<RequestBucket>(Buckets);
        lock (_lock)
        {
            for (var epoch = now - Buckets + 1; epoch <= now; epoch++)
            {
                var slot = _slots[epoch % Buckets];
                result.Add(slot.Epoch == epoch
                    ? new RequestBucket(epoch * BucketSeconds, slot.Count / (double)BucketSeconds, slot.Errors, P99(slot))
                    : new RequestBucket(epoch * BucketSeconds, 0, 0, null));
            }
        }
        return result;
    }

    /// <summary>The upper bound of the latency class holding the 99th percentile (seconds), null without requests.</summary>
    private static double? P99(Slot slot)
    {
        if (slot.Count == 0) return null;
        var rank = (long)Math.Ceiling(slot.Count * 0.99);
        long seen = 0;
        for (var i = 0; i < slot.Latency.Length; i++)
        {
            seen += slot.Latency[i];
            if (seen >= rank) return i < LatencyBounds.Length ? LatencyBounds[i] : double.PositiveInfinity;
        }
        return null;
    }

    private sealed class Slot
    {
        public long Epoch = -1;
        public long Count;
        public long Errors;
        public long[] Latency { get; } = new long[LatencyBounds.Length + 1];

        public void Reset(long epoch)
        {
            Epoch = epoch;
            Count = 0;
            Errors = 0;
            Array.Clear(Latency);
        }
    }
}

/// <summary>One bucket: its start (Unix seconds), requests per second, server errors, p99 latency in seconds.</summary>
public sealed record RequestBucket(
    [property: System.Text.Json.Serialization.JsonPropertyName("start")] long Start,
    [property: System.Text.Json.Serialization.JsonPropertyName("rate")] double Rate,
    [property: System.Text.Json.Serialization.JsonPropertyName("errors")] long Errors,
    [property: System.Text.Json.Serialization.JsonPropertyName("p99_seconds")] double? P99Seconds);
