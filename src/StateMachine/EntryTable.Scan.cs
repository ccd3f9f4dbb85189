// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>Ordered key paging for the admin API, without keeping a second (sorted) index of every key.</summary>
internal sealed partial class EntryTable
{
    /// <summary>
    /// The slot indexes of the first <paramref name="limit"/> visible keys strictly after <paramref name="after"/> in
    /// byte order, sorted. Costs one pass over the table and O(limit) memory: fine for an admin listing, and the
    /// order is the same on every replica and stable under concurrent writes (the cursor is a key, not a position).
    /// </summary>
    public List<int> PageAfter(ReadOnlySpan<byte> after, bool hasCursor, int limit, long nowMs)
    {
        var comparer = Comparer<int>.Create((a, b) => _slots[b].Key.SequenceCompareTo(_slots[a].Key));
        var largestFirst = new PriorityQueue<int, int>(Math.Min(limit, Count) + 1, comparer);
        for (var i = 0; i < _used; i++)
        {
            ref var slot = ref _slots[i];
            if (slot.Blob is null || slot.ExpiresAtMs <= nowMs || (hasCursor && slot.Key.SequenceCompareTo(after) <= 0))
            {
                continue;
            }

            if (largestFirst.Count < limit)
            {
                largestFirst.Enqueue(i, i);
            }
            else if (slot.Key.SequenceCompareTo(_slots[largestFirst.Peek()].Key) < 0)
            {
                largestFirst.DequeueEnqueue(i, i);
            }
        }

        var page = new List<int>(largestFirst.Count);
        while (largestFirst.TryDequeue(out var slotIndex, out _))
        {
            page.Add(slotIndex);
        }

        page.Reverse();
        return page;
    }
}
