// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// The run's event trace: a running hash of every event (two runs of one seed must produce the same hash)
/// and a ring of the most recent events, formatted only when a failure needs them.
/// </summary>
public sealed class Trace
{
    // A replay that asks for a longer tail (RAFTCACHE_SIM_TAIL) keeps that many events, so an early anomaly is visible.
    private static readonly int RingSize = Math.Max(20_000, Simulator.TailLines);
    private readonly (long Tick, string? Text, Func<string>? Lazy)[] _ring = new (long, string?, Func<string>?)[RingSize];
    private long _count;

    public ulong Hash { get; private set; } = Fnv.Offset;

    public long Events => _count;

    /// <summary>Records an event: <paramref name="a"/>…<paramref name="d"/> feed the hash, <paramref name="describe"/> the ring.</summary>
    public void Add(long tick, ulong kind, ulong a, ulong b, ulong c, ulong d, Func<string> describe)
    {
        var h = Fnv.Mix(Hash, (ulong)tick);
        h = Fnv.Mix(h, kind);
        h = Fnv.Mix(h, a);
        h = Fnv.Mix(h, b);
        h = Fnv.Mix(h, c);
        Hash = Fnv.Mix(h, d);
        _ring[_count++ % RingSize] = (tick, null, describe);
    }

    public void Note(long tick, string text)
    {
        Hash = Fnv.Hash(System.Text.Encoding.UTF8.GetBytes(text), Fnv.Mix(Hash, (ulong)tick));
        _ring[_count++ % RingSize] = (tick, text, null);
    }

    public string Tail(int lines)
    {
        var n = (int)Math.Min(Math.Min(_count, RingSize), lines);
        var result = new List<string>(n);
        for (var i = _count - n; i < _count; i++)
        {
            var (tick, text, lazy) = _ring[i % RingSize];
            result.Add(string.Create(CultureInfo.InvariantCulture, $"  t={tick,5} {text ?? lazy!()}"));
        }

        return string.Join('\n', result);
    }
}
