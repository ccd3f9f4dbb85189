// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;

namespace RaftCache.StateMachine;

/// <summary>
/// A hash (Redis HSET and friends) is stored as one entry whose content type is <see cref="ContentType"/> and
/// whose value is the field map: u32 count, then per field u32 length + field bytes, u32 length + value bytes,
/// fields unique and in ordinal byte order. One canonical encoding, so every replica stores the same bytes.
/// </summary>
public static class HashValue
{
    /// <summary>The content type that marks an entry as a hash (REST reads it as raw bytes of this type).</summary>
    public static ReadOnlySpan<byte> ContentType => "application/vnd.raftcache.hash"u8;

    public static bool IsHash(ReadOnlySpan<byte> contentType) => contentType.SequenceEqual(ContentType);

    /// <summary>The fields in byte order, or false when the bytes are not a canonical field map.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, out SortedDictionary<byte[], byte[]> fields)
    {
        fields = new SortedDictionary<byte[], byte[]>(ByteOrder.Instance);
        if (value.Length < 4) return false;
        var count = BinaryPrimitives.ReadUInt32LittleEndian(value);
        var rest = value[4..];
        if (count > (uint)rest.Length / 8) return false;
        byte[]? previous = null;
        for (var i = 0u; i < count; i++)
        {
            if (!TryTake(ref rest, out var field) || !TryTake(ref rest, out var item)) return false;
            var key = field.ToArray();
            if (previous is not null && ByteOrder.Instance.Compare(previous, key) >= 0) return false;
            fields.Add(key, item.ToArray());
            previous = key;
        }

        return rest.IsEmpty;
    }

    /// <summary>One field's value, without decoding the others.</summary>
    public static bool TryGetField(ReadOnlySpan<byte> value, ReadOnlySpan<byte> field, out ReadOnlySpan<byte> found)
    {
        found = default;
        if (value.Length < 4) return false;
        var count = BinaryPrimitives.ReadUInt32LittleEndian(value);
        var rest = value[4..];
        for (var i = 0u; i < count; i++)
        {
            if (!TryTake(ref rest, out var name) || !TryTake(ref rest, out var item)) return false;
            if (name.SequenceEqual(field))
            {
                found = item;
                return true;
            }
        }

        return false;
    }

    public static byte[] Encode(SortedDictionary<byte[], byte[]> fields)
    {
        var length = 4L;
        foreach (var (field, item) in fields) length += 8L + field.Length + item.Length;
        if (length > CacheCommand.MaxValueBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(fields), length, "The hash is larger than the largest value.");
        }

        var buffer = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)fields.Count);
        var span = buffer.AsSpan(4);
        foreach (var (field, item) in fields)
        {
            span = Put(span, field);
            span = Put(span, item);
        }

        return buffer;
    }

    internal static bool TryTake(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (rest.Length < 4) return false;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        if (length > (uint)rest.Length - 4) return false;
        bytes = rest.Slice(4, (int)length);
        rest = rest[(4 + (int)length)..];
        return true;
    }

    internal static Span<byte> Put(Span<byte> span, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)bytes.Length);
        bytes.CopyTo(span[4..]);
        return span[(4 + bytes.Length)..];
    }
}

/// <summary>Ordinal byte order, the order of hash fields (and of key pages).</summary>
public sealed class ByteOrder : IComparer<byte[]>
{
    public static readonly ByteOrder Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
