// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Sharding;

/// <summary>
/// Keys to hash slots, exactly as Redis Cluster does: CRC16/XMODEM of the key mod 16,384, where a key
/// containing a non-empty <c>{hash tag}</c> is hashed on the tag only, so related keys share a slot.
/// </summary>
public static class HashSlots
{
    public const int Count = 16384;

    public static int SlotOf(ReadOnlySpan<byte> key) => Crc16.Compute(HashTag(key)) & (Count - 1);

    /// <summary>
    /// The part of the key that is hashed: the bytes between the first '{' and the first '}' after it,
    /// when that is not empty; otherwise the whole key (Redis cluster specification, "Hash tags").
    /// </summary>
    public static ReadOnlySpan<byte> HashTag(ReadOnlySpan<byte> key)
    {
        var open = key.IndexOf((byte)'{');
        if (open < 0) return key;
        var close = key[(open + 1)..].IndexOf((byte)'}');
        if (close <= 0) return key; // no '}' or an empty tag "{}": hash the whole key
        return key.Slice(open + 1, close);
    }
}
