// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Checker;

/// <summary>A fixed-size set of operation numbers with value equality, used as part of the memo key.</summary>
internal sealed class Bitset : IEquatable<Bitset>
{
    private readonly ulong[] _words;

    public Bitset(int size) => _words = new ulong[(size + 63) / 64];

    private Bitset(ulong[] words) => _words = words;

    public void Set(int bit) => _words[bit >> 6] |= 1UL << (bit & 63);

    public void Clear(int bit) => _words[bit >> 6] &= ~(1UL << (bit & 63));

    /// <summary>A copy with <paramref name="bit"/> set; the original is unchanged.</summary>
    public Bitset With(int bit)
    {
        var copy = new Bitset((ulong[])_words.Clone());
        copy.Set(bit);
        return copy;
    }

    public bool Equals(Bitset? other) => other is not null && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => Equals(obj as Bitset);

    public override int GetHashCode()
    {
        ulong hash = 0xcbf29ce484222325UL;
        foreach (var word in _words) hash = (hash ^ word) * 0x100000001b3UL;
        return (int)(hash ^ (hash >> 32));
    }
}
