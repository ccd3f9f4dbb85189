// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Transport;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote. Every read checks the remaining length, so a truncated or
/// hostile input ends in a <see cref="PeerProtocolException"/>, never an out-of-range read or a huge allocation.
/// </summary>
public ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data) => _data = data;

    public readonly int Remaining => _data.Length - _position;

    public byte Byte()
    {
        if (_position >= _data.Length) PeerProtocolException.Throw("truncated: expected a byte");
        return _data[_position++];
    }

    public ulong VarUInt()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Byte();
            if (shift == 63 && b > 1) PeerProtocolException.Throw("varint overflows 64 bits");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        PeerProtocolException.Throw("varint longer than 10 bytes");
        return 0;
    }

    /// <summary>
    /// A count that must not exceed <paramref name="max"/>, nor what the bytes left can hold at
    /// <paramref name="minBytesEach"/> bytes per item: the caller allocates for it, so a 3-byte input claiming
    /// 65,536 entries must fail here rather than allocate for them.
    /// </summary>
    public int Count(int max, string what, int minBytesEach = 1)
    {
        var value = VarUInt();
        if (value > (ulong)max) PeerProtocolException.Throw($"{what} count {value} exceeds the limit of {max}");
        if (value > (ulong)(Remaining / minBytesEach)) PeerProtocolException.Throw($"{what} count {value} needs more than the {Remaining} bytes left");
        return (int)value;
    }

    public ReadOnlySpan<byte> Bytes()
    {
        var length = VarUInt();
        if (length > (ulong)Remaining) PeerProtocolException.Throw($"byte string of {length} bytes exceeds the {Remaining} bytes left");
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public bool Boolean()
    {
        var b = Byte();
        if (b > 1) PeerProtocolException.Throw($"boolean byte {b} is neither 0 nor 1");
        return b == 1;
    }

    public readonly void ExpectEnd(string what)
    {
        if (Remaining != 0) PeerProtocolException.Throw($"{Remaining} unexpected bytes after {what}");
    }
}
