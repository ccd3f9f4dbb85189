// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace RaftCache.Codec;

/// <summary>
/// Reads what <see cref="ByteWriter"/> wrote: little-endian integers, LEB128 varints, byte strings. Every read checks
/// the bytes left first, so truncated or hostile input ends in <typeparamref name="TErrors"/>'s exception naming the
/// field, never an out-of-range read, a silently wrapped number or an allocation sized by the input.
/// </summary>
public ref struct ByteReader<TErrors>
    where TErrors : IFormatErrors
{
    /// <summary>A 64-bit value takes at most ten 7-bit groups.</summary>
    public const int MaxVarUIntBytes = 10;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ByteReader(ReadOnlySpan<byte> data) => _data = data;

    public readonly int Remaining => _data.Length - _position;

    public readonly int Position => _position;

    public byte Byte(string what = "a byte") => Take(1, what)[0];

    /// <summary>A byte that must be 0 or 1.</summary>
    public bool Boolean(string what = "a boolean")
    {
        var b = Byte(what);
        if (b > 1) Fail($"{what}: byte {b} is neither 0 nor 1");
        return b == 1;
    }

    public ushort UInt16(string what = "a u16") => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint UInt32(string what = "a u32") => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public int Int32(string what = "an i32") => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

    public ulong UInt64(string what = "a u64") => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public long Int64(string what = "an i64") => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

    /// <summary>Unsigned LEB128. Refuses more than ten bytes and a tenth byte carrying bits above 64.</summary>
    public ulong VarUInt(string what = "a varint")
    {
        ulong value = 0;
        for (var shift = 0; shift < 7 * MaxVarUIntBytes; shift += 7)
        {
            var b = Byte(what);
            if (shift == 63 && b > 1) Fail($"{what}: varint overflows 64 bits");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }

        Fail($"{what}: varint longer than {MaxVarUIntBytes} bytes");
        return 0;
    }

    /// <summary>
    /// A varint count that must not exceed <paramref name="max"/>, nor what the bytes left can hold at
    /// <paramref name="minBytesEach"/> bytes per item: the caller allocates for it, so a 3-byte input claiming
    /// 65,536 items fails here rather than allocating for them.
    /// </summary>
    public int Count(int max, string what, int minBytesEach = 1)
    {
        var value = VarUInt(what + " count");
        if (value > (ulong)max) Fail($"{what} count {value} exceeds the limit of {max}");
        CheckFits(value, what, minBytesEach);
        return (int)value;
    }

    /// <summary>A count already read (fixed-width fields): refused when the bytes left cannot hold that many items.</summary>
    public readonly void CheckFits(ulong count, string what, int minBytesEach)
    {
        if (count > (ulong)(Remaining / minBytesEach)) Fail($"{what} count {count} needs more than the {Remaining} bytes left");
    }

    /// <summary>A byte string prefixed by its varint length.</summary>
    public ReadOnlySpan<byte> Bytes(string what = "a byte string")
    {
        var length = VarUInt(what + " length");
        if (length > (ulong)Remaining) Fail($"{what} of {length} bytes exceeds the {Remaining} bytes left");
        return Take((int)length, what);
    }

    /// <summary>Exactly <paramref name="length"/> bytes (a length read before, or a fixed size).</summary>
    public ReadOnlySpan<byte> Take(int length, string what)
    {
        if (length < 0 || length > Remaining)
        {
            Fail($"truncated: reading {what} needs {length} byte(s) at offset {_position}, {Remaining} left");
        }

        var span = _data.Slice(_position, length);
        _position += length;
        return span;
    }

    /// <summary>The rest of the input.</summary>
    public ReadOnlySpan<byte> Rest() => Take(Remaining, "the rest");

    public readonly void ExpectEnd(string what)
    {
        if (Remaining != 0) Fail($"{Remaining} unexpected byte(s) after {what}");
    }

    [DoesNotReturn]
    public static void Fail(string message) => throw TErrors.Create(message);
}
