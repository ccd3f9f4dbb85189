// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Where the leader work of each shard comes from, counted on the node doing it: a write or a lease read a client
/// brought to this node, one another member forwarded here, and a follower's ReadIndex request for lease reads (one
/// per batch of its reads). Counts run in fixed windows; each closed window is averaged into the previous average
/// (each window weighs half), which is what <see cref="LoadLeadership"/> decides on: a steady rate reads as the
/// requests of one window, and a burst fades over the windows after it instead of vanishing with the next quiet one,
/// so bursty clients do not move a leadership away and back each time they pause. Safe from any thread;
/// <see cref="Rotate"/> runs on the host loop only.
/// </summary>
/// <remarks>
/// Statistics, not bookkeeping: a count added while its window is being closed may land in either window, or be lost
/// when its entry was idle and is removed at that moment. Entries idle for a whole window leave the counting table,
/// and averages that fall to zero leave the average, so both hold only the (origin, shard) pairs seen recently.
/// </remarks>
public sealed class ShardLoad
{
    private readonly ConcurrentDictionary<(ulong Origin, int Shard), Counter> _current = new();
    private Dictionary<int, Dictionary<ulong, long>> _average = [];
    private DateTimeOffset _windowStart;
    private bool _started;

    /// <summary>One request of <paramref name="shard"/>'s leader work, brought by member <paramref name="origin"/>.</summary>
    public void Note(int shard, ulong origin) => _current.GetOrAdd((origin, shard), static _ => new Counter()).Increment();

    /// <summary>Closes the window when <paramref name="window"/> has passed since it opened (the first call only opens one).</summary>
    public void Rotate(DateTimeOffset now, TimeSpan window)
    {
        if (!_started)
        {
            _started = true;
            _windowStart = now;
            return;
        }
        if (now - _windowStart < window) return;
        var counted = new Dictionary<(ulong Origin, int Shard), long>();
        foreach (var (key, counter) in _current)
        {
            var count = counter.Take();
            if (count == 0) _current.TryRemove(new KeyValuePair<(ulong, int), Counter>(key, counter));
            else counted[key] = count;
        }
        var average = new Dictionary<int, Dictionary<ulong, long>>();
        foreach (var (shard, origins) in _average)
        {
            foreach (var (origin, previous) in origins) Add(average, shard, origin, (previous + counted.GetValueOrDefault((origin, shard))) / 2);
        }
        foreach (var ((origin, shard), count) in counted)
        {
            if (!_average.TryGetValue(shard, out var origins) || !origins.ContainsKey(origin)) Add(average, shard, origin, count / 2);
        }
        _average = average;
        _windowStart = now;
    }

    private static void Add(Dictionary<int, Dictionary<ulong, long>> average, int shard, ulong origin, long value)
    {
        if (value == 0) return;
        if (!average.TryGetValue(shard, out var origins)) average[shard] = origins = [];
        origins[origin] = value;
    }

    /// <summary>The averaged requests per window of <paramref name="shard"/> by origin member (empty when none).</summary>
    public IReadOnlyDictionary<ulong, long> Average(int shard) =>
        _average.TryGetValue(shard, out var origins) ? origins : EmptyOrigins;

    private static readonly Dictionary<ulong, long> EmptyOrigins = [];

    private sealed class Counter
    {
        private long _value;

        public void Increment() => Interlocked.Increment(ref _value);

        public long Take() => Interlocked.Exchange(ref _value, 0);
    }
}
