// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// An open hash table with chaining through slot indexes (the layout of <see cref="Dictionary{TKey,TValue}"/>, but
/// keyed by byte spans, with the value inline in the key's array and an intrusive expiry heap).
/// Looking a key up allocates nothing. Not thread-safe.
/// </summary>
internal sealed partial class EntryTable
{
    /// <summary>
    /// Fixed bytes counted per entry on top of key, content type and value. Replicated semantics: every replica
    /// must use the same number, so it is a constant of the format, close to the measured overhead (docs).
    /// </summary>
    public const int EntryOverheadBytes = 96;

    private const int MinimumCapacity = 16;

    private readonly ulong _seed;
    private int[] _buckets;
    private Slot[] _slots;
    private int _used;
    private int _freeList = -1;

    public EntryTable(ulong seed, int capacity = MinimumCapacity)
    {
        _seed = seed;
        capacity = (int)Math.Max(MinimumCapacity, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _buckets = new int[capacity];
        _slots = new Slot[capacity];
        _heap = new int[capacity];
    }

    public int Count { get; private set; }

    public long AccountedBytes { get; private set; }

    /// <summary>Slots below this index may be live; iterate them and skip those with a null blob.</summary>
    public int SlotsUsed => _used;

    public ref Slot this[int index] => ref _slots[index];

    public int Find(ReadOnlySpan<byte> key)
    {
        var hash = HashOf(key);
        for (var link = _buckets[hash & (_buckets.Length - 1)]; link != 0; link = _slots[link - 1].Next)
        {
            ref var slot = ref _slots[link - 1];
            if (slot.HashCode == hash && slot.Key.SequenceEqual(key))
            {
                return link - 1;
            }
        }

        return -1;
    }

    /// <summary>Adds an entry (a blob in <see cref="BlobLayout"/>) whose key is known to be absent. Returns its slot index.</summary>
    public int Add(byte[] blob, int keyOffset, int keyLength, byte contentTypeCode, int contentTypeLength, ulong version, long expiresAtMs)
    {
        if (_freeList < 0 && _used == _slots.Length)
        {
            Grow();
        }

        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = _slots[index].Next - 1;
        }
        else
        {
            index = _used++;
        }

        var hash = HashOf(blob.AsSpan(keyOffset, keyLength));
        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        _slots[index] = new Slot
        {
            Blob = blob,
            Version = version,
            ExpiresAtMs = expiresAtMs,
            HashCode = hash,
            Next = bucket,
            KeyOffset = (ushort)keyOffset,
            KeyLength = (ushort)keyLength,
            ContentTypeCode = contentTypeCode,
            ContentTypeLength = (byte)contentTypeLength,
        };
        bucket = index + 1;
        Count++;
        AccountedBytes += _slots[index].AccountedBytes;
        HeapInsert(index);
        return index;
    }

    public void Remove(int index)
    {
        ref var slot = ref _slots[index];
        ref var link = ref _buckets[slot.HashCode & (_buckets.Length - 1)];
        while (link != index + 1)
        {
            link = ref _slots[link - 1].Next;
        }

        link = slot.Next;
        HeapRemove(slot.HeapIndex);
        AccountedBytes -= slot.AccountedBytes;
        Count--;
        slot = new Slot { Next = _freeList + 1, HeapIndex = -1 };
        _freeList = index;
    }

    private int HashOf(ReadOnlySpan<byte> key) => (int)StableHash.Hash(key, _seed);

    private void Grow()
    {
        var capacity = _slots.Length * 2;
        Array.Resize(ref _slots, capacity);
        Array.Resize(ref _heap, capacity);
        _buckets = new int[capacity];
        for (var i = 0; i < _used; i++)
        {
            ref var bucket = ref _buckets[_slots[i].HashCode & (capacity - 1)];
            _slots[i].Next = bucket;
            bucket = i + 1;
        }
    }
}
