// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.IO.Hashing;

namespace RaftCache.Codec;

/// <summary>
/// CRC-32C (Castagnoli; initial value and final xor 0xFFFFFFFF, reflected), the checksum of WAL records, snapshot
/// files and state-machine snapshot frames. System.IO.Hashing computes it with the SSE4.2/ARM instruction.
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    /// <summary>A running CRC for data checked chunk by chunk (snapshot files): <c>Append</c>, then <c>GetCurrentHashAsUInt32</c>.</summary>
    public static Crc32 Start() => new(Crc32ParameterSet.Crc32C);
}
