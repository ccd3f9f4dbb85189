// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>
/// The live keys of a run: <see cref="Slots"/> slots, each holding one key at a time; after
/// <see cref="OpsPerKey"/> operations a slot's key is retired and a fresh one takes its place, which keeps every
/// per-key history small enough for the checker (reliability.md §2: ≤ 200 ops per key).
/// </summary>
public sealed class KeySpace(int slots = 24, int opsPerKey = 150)
{
    private readonly int[] _generation = new int[slots];
    private readonly int[] _count = new int[slots];
    private readonly HashSet<string> _all = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Slots { get; } = slots;

    public int OpsPerKey { get; } = opsPerKey;

    public string Take(int slot)
    {
        lock (_lock)
        {
            if (++_count[slot] > OpsPerKey)
            {
                _generation[slot]++;
                _count[slot] = 1;
            }

            // Slot number first, so keys of one slot sort together in reports; the hash spreads them over shards.
            var key = $"s{slot:D2}-g{_generation[slot]}";
            _all.Add(key);
            return key;
        }
    }

    public IReadOnlyList<string> AllKeys()
    {
        lock (_lock) return [.. _all.Order(StringComparer.Ordinal)];
    }
}
