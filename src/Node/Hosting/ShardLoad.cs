// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Where the leader work of each shard comes from, counted on the node doing it: a write or a lease read a client
/// brought to this node, one another member forwarded here, and a follower's ReadIndex request for lease reads (one
/// per batch of its reads). Counts run in fixed windows; the last complete window is what
/// <see cref="LoadLeadership"/> decides on. Safe from any thread; <see cref="Rotate"/> runs on the host loop only.
/// </summary>
/// <remarks>
/// Statistics, not bookkeeping: a count added while its window is being closed may land in either window, or be lost
/// when its entry was idle and is removed at that moment. Entries idle for a whole window are removed, so the table
/// holds only the (origin, shard) pairs that sent something recently.
/// </remarks>
public sealed class ShardLoad
{
    private readonly ConcurrentDictionary<(ulong Origin, int Shard), Counter> _current = new();
    private Dictionary<int, Dictionary<ulong, long>> _last = [];
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
        var closed = new Dictionary<int, Dictionary<ulong, long>>();
        foreach (var (key, counter) in _current)
        {
            var count = counter.Take();
            if (count == 0)
            {
                _current.TryRemove(new KeyValuePair<(ulong, int), Counter>(key, counter));
                continue;
            }
            if (!closed.TryGetValue(key.Shard, out var origins)) closed[key.Shard] = origins = [];
            origins[key.Origin] = count;
        }
        _last = closed;
        _windowStart = now;
    }

    /// <summary>The last complete window's counts of <paramref name="shard"/> by origin member (empty when none).</summary>
    public IReadOnlyDictionary<ulong, long> LastWindow(int shard) =>
        _last.TryGetValue(shard, out var origins) ? origins : EmptyOrigins;

    private static readonly Dictionary<ulong, long> EmptyOrigins = [];

    private sealed class Counter
    {
        private long _value;

        public void Increment() => Interlocked.Increment(ref _value);

        public long Take() => Interlocked.Exchange(ref _value, 0);
    }
}
