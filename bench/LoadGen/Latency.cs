// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using HdrHistogram;

namespace RaftCache.LoadGen;

/// <summary>
/// Latencies in microseconds, recorded into HdrHistogram (3 significant digits). One histogram per client, merged at
/// the end: no locks on the hot path.
/// </summary>
public static class Latency
{
    /// <summary>Longest latency a histogram tracks; a longer one (a stalled request) is recorded as this.</summary>
    public const long MaxMicros = 3_600_000_000;

    public static LongHistogram NewHistogram() => new(MaxMicros, 3);

    public static void Record(this HistogramBase histogram, long micros) => histogram.RecordValue(Math.Clamp(micros, 1, MaxMicros));

    /// <summary>The latency at or below which <paramref name="quantile"/> of the recorded values lie, in ms.</summary>
    public static double PercentileMs(this HistogramBase histogram, double quantile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(quantile * 100) / 1000.0;
}
