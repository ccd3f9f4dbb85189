// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Numerics;

namespace RaftCache.Codec;

/// <summary>Appends little-endian integers, LEB128 varints and byte strings to a growable buffer; <see cref="ByteReader{TErrors}"/> reads them.</summary>
public readonly ref struct ByteWriter
{
    private readonly IBufferWriter<byte> _output;

    public ByteWriter(IBufferWriter<byte> output) => _output = output;

    public void Byte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    public void Boolean(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void UInt16(ushort value) => LittleEndian(value);

    public void UInt32(uint value) => LittleEndian(value);

    public void Int32(int value) => LittleEndian(value);

    public void UInt64(ulong value) => LittleEndian(value);

    public void Int64(long value) => LittleEndian(value);

    /// <summary>Unsigned LEB128: small numbers (most terms, indexes and ids) take one or two bytes.</summary>
    public void VarUInt(ulong value)
    {
        var span = _output.GetSpan(ByteReader<FormatErrors>.MaxVarUIntBytes);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _output.Advance(n);
    }

    /// <summary>A byte string prefixed by its varint length.</summary>
    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        VarUInt((ulong)bytes.Length);
        Raw(bytes);
    }

    // TryWriteLittleEndian, not WriteLittleEndian: the latter is a default interface method, and calling one on a
    // struct boxes it (24 bytes per field, measured on the WAL's staging path).
    private void LittleEndian<T>(T value)
        where T : IBinaryInteger<T>
    {
        value.TryWriteLittleEndian(_output.GetSpan(value.GetByteCount()), out var written);
        _output.Advance(written);
    }

    /// <summary>Bytes as they are, without a length (fixed sizes, or a length written before).</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }
}
