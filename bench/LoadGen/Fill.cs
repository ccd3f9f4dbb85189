// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using HdrHistogram;

namespace RaftCache.LoadGen;

/// <summary>
/// Loads a data set: every key <c>prefix0 … prefix(keys-1)</c> written once, by <c>clients</c> closed-loop writers
/// spread over the endpoints. A failed put is retried a bounded number of times so the data set ends complete (or
/// the output says how many keys are missing); the whole fill is bounded by <c>--duration-s</c>.
/// </summary>
internal static class Fill
{
    /// <summary>Attempts per key before it is counted as missing.</summary>
    private const int Attempts = 5;

    public static async Task<object> RunAsync(Options options, ITarget target, string value)
    {
        var histograms = new LongHistogram[options.Clients];
        var retries = new long[options.Clients];
        var missing = new long[options.Clients];
        var next = -1L;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(options.DurationSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(client => Task.Run(async () =>
        {
            var histogram = histograms[client] = Latency.NewHistogram();
            var endpoint = options.Endpoints[client % options.Endpoints.Length];
            while (Stopwatch.GetTimestamp() < end)
            {
                var k = Interlocked.Increment(ref next);
                if (k >= options.Keys) break;
                var written = false;
                for (var attempt = 0; attempt < Attempts && !written && Stopwatch.GetTimestamp() < end; attempt++)
                {
                    if (attempt > 0) retries[client]++;
                    var at = Stopwatch.GetTimestamp();
                    try
                    {
                        written = await target.PutAsync(endpoint, $"{options.KeyPrefix}{k}", value);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        written = false;
                    }
                    if (written) histogram.Record((long)Stopwatch.GetElapsedTime(at).TotalMicroseconds);
                }
                if (!written) missing[client]++;
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var total = Latency.NewHistogram();
        foreach (var h in histograms) total.Add(h);
        return new
        {
            mode = "fill",
            target = options.Target,
            clients = options.Clients,
            value_bytes = options.ValueBytes,
            keys = options.Keys,
            written = total.TotalCount,
            missing = missing.Sum() + Math.Max(0, options.Keys - Math.Min(options.Keys, Interlocked.Read(ref next) + 1)),
            retries = retries.Sum(),
            seconds = Math.Round(seconds, 3),
            ops_per_s = Math.Round(total.TotalCount / seconds, 1),
            mb_per_s = Math.Round(total.TotalCount * (double)options.ValueBytes / seconds / 1e6, 2),
            p50_ms = Math.Round(total.PercentileMs(0.50), 3),
            p99_ms = Math.Round(total.PercentileMs(0.99), 3),
        };
    }
}
