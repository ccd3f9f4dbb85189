// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Numerics;

namespace RaftCache.StateMachine;

/// <summary>CRC-32C (Castagnoli) over a span with the hardware instruction behind <see cref="BitOperations.Crc32C(uint, ulong)"/>.</summary>
internal static class Crc32C
{
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(~0u, data);
}
