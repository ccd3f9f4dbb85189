// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;

namespace RaftCache.Node.Transport;

/// <summary>Appends little-endian integers, LEB128 varints and byte strings to a growable buffer.</summary>
public ref struct WireWriter
{
    private readonly IBufferWriter<byte> _output;

    public WireWriter(IBufferWriter<byte> output) => _output = output;

    public readonly void Byte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    /// <summary>Unsigned LEB128: small numbers (most terms, indexes and ids) take one or two bytes.</summary>
    public readonly void VarUInt(ulong value)
    {
        var span = _output.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _output.Advance(n);
    }

    public readonly void UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public readonly void Bytes(ReadOnlySpan<byte> bytes)
    {
        VarUInt((ulong)bytes.Length);
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }
}
