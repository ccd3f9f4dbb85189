// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.LoadGen;

/// <summary>
/// Log-linear latency histogram in microseconds (HDR style: 64 linear sub-buckets per power of two, so every
/// recorded value is within 1.6 % of its bucket's bound). One per client, merged at the end: no locks on the hot path.
/// </summary>
public sealed class Histogram
{
    private const int SubBuckets = 64;
    private const int Powers = 40;
    private readonly long[] _counts = new long[Powers * SubBuckets];

    public long Count { get; private set; }

    public long MaxMicros { get; private set; }

    public void Record(long micros)
    {
        micros = Math.Max(1, micros);
        _counts[Index(micros)]++;
        Count++;
        MaxMicros = Math.Max(MaxMicros, micros);
    }

    public void Add(Histogram other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        MaxMicros = Math.Max(MaxMicros, other.MaxMicros);
    }

    /// <summary>The latency at or below which <paramref name="quantile"/> of the recorded values lie (upper bucket bound).</summary>
    public double PercentileMs(double quantile)
    {
        if (Count == 0) return 0;
        var rank = (long)Math.Ceiling(quantile * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(UpperBound(i), MaxMicros) / 1000.0;
        }
        return MaxMicros / 1000.0;
    }

    private static int Index(long micros)
    {
        if (micros < SubBuckets) return (int)micros;
        var power = 63 - (int)long.LeadingZeroCount(micros) - 5; // micros >= 2^(power+5)
        var sub = (int)(micros >> power) - SubBuckets / 2;
        return Math.Min(Powers * SubBuckets - 1, SubBuckets + (power - 1) * (SubBuckets / 2) + sub);
    }

    private static long UpperBound(int index)
    {
        if (index < SubBuckets) return index;
        var offset = index - SubBuckets;
        var power = offset / (SubBuckets / 2) + 1;
        var sub = offset % (SubBuckets / 2) + SubBuckets / 2;
        return ((long)(sub + 1) << power) - 1;
    }
}
