// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// The expiry/eviction heap: a binary min-heap of slot indexes ordered by (expiry, version, key), where "no expiry"
/// sorts last. Its top is both the next key a sweep may remove and the next key eviction removes, and the order is
/// total (versions are log indexes, unique per entry), so every replica picks the same keys whatever its hash seed.
/// </summary>
internal sealed partial class EntryTable
{
    private int[] _heap;
    private int _heapCount;

    /// <summary>The slot index of the soonest-expiring (then oldest) entry, or -1 when empty.</summary>
    public int HeapTop => _heapCount == 0 ? -1 : _heap[0];

    private void HeapInsert(int slot)
    {
        _heap[_heapCount] = slot;
        _slots[slot].HeapIndex = _heapCount;
        SiftUp(_heapCount++);
    }

    private void HeapRemove(int position)
    {
        var last = _heap[--_heapCount];
        if (position == _heapCount)
        {
            return;
        }

        _heap[position] = last;
        _slots[last].HeapIndex = position;
        SiftDown(position);
        SiftUp(_slots[last].HeapIndex);
    }

    private void SiftUp(int position)
    {
        var item = _heap[position];
        while (position > 0)
        {
            var parent = (position - 1) / 2;
            if (!Precedes(item, _heap[parent]))
            {
                break;
            }

            Place(position, _heap[parent]);
            position = parent;
        }

        Place(position, item);
    }

    private void SiftDown(int position)
    {
        var item = _heap[position];
        while (true)
        {
            var child = (2 * position) + 1;
            if (child >= _heapCount)
            {
                break;
            }

            if (child + 1 < _heapCount && Precedes(_heap[child + 1], _heap[child]))
            {
                child++;
            }

            if (!Precedes(_heap[child], item))
            {
                break;
            }

            Place(position, _heap[child]);
            position = child;
        }

        Place(position, item);
    }

    private void Place(int position, int slot)
    {
        _heap[position] = slot;
        _slots[slot].HeapIndex = position;
    }

    /// <summary>True when slot <paramref name="a"/> is swept or evicted before slot <paramref name="b"/>.</summary>
    private bool Precedes(int a, int b)
    {
        ref var x = ref _slots[a];
        ref var y = ref _slots[b];
        if (x.ExpiresAtMs != y.ExpiresAtMs)
        {
            return x.ExpiresAtMs < y.ExpiresAtMs;
        }

        // Versions are unique log indexes; the key comparison only guards against a restored state that breaks that.
        return x.Version != y.Version ? x.Version < y.Version : x.Key.SequenceCompareTo(y.Key) < 0;
    }
}
