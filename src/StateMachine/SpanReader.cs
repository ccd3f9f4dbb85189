// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;

namespace RaftCache.StateMachine;

/// <summary>
/// Little-endian reader over a command. Every read checks the remaining length first, so a truncated
/// command becomes a <see cref="StateMachineFormatException"/> naming the field, never an index exception.
/// </summary>
internal ref struct SpanReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte(string field) => Take(1, field)[0];

    public ushort ReadUInt16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, field));

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public long ReadInt64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, field));

    public ReadOnlySpan<byte> ReadBytes(int length, string field) => Take(length, field);

    public readonly void ExpectEnd(string what)
    {
        if (Remaining != 0)
        {
            throw new StateMachineFormatException($"{what}: {Remaining} unexpected trailing byte(s).");
        }
    }

    private ReadOnlySpan<byte> Take(int length, string field)
    {
        if (length < 0 || length > Remaining)
        {
            throw new StateMachineFormatException(
                $"Truncated: reading {field} needs {length} byte(s) at offset {_position}, {Remaining} left.");
        }

        var span = _data.Slice(_position, length);
        _position += length;
        return span;
    }
}
