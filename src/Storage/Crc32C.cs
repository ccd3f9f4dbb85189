// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Numerics;

namespace RaftCache.Storage;

/// <summary>
/// CRC-32C (Castagnoli) over spans, built on <see cref="BitOperations.Crc32C(uint, ulong)"/>, which uses the
/// SSE4.2/ARM instruction when present. Standard form: initial value and final xor are 0xFFFFFFFF.
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    /// <summary>The running value before any byte; feed it to <see cref="Append"/>, then <see cref="Finish"/>.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Continues a running CRC with more bytes (streaming: snapshot files are checked chunk by chunk).</summary>
    public static uint Append(uint running, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            running = BitOperations.Crc32C(running, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data) running = BitOperations.Crc32C(running, b);
        return running;
    }

    public static uint Finish(uint running) => ~running;
}
