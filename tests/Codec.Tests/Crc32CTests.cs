// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Codec.Tests;

/// <summary>The published CRC-32C check values (RFC 3720, appendix B.4, and the catalogue's "123456789").</summary>
public sealed class Crc32CTests
{
    public static TheoryData<byte[], uint> Vectors => new()
    {
        { "123456789"u8.ToArray(), 0xE3069283 },
        { new byte[32], 0x8A9136AA },
        { Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43 },
        { Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794E },
        { Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5C },
        { [], 0x00000000 },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Matches_the_published_check_values(byte[] data, uint crc) => Assert.Equal(crc, Crc32C.Compute(data));

    [Theory]
    [MemberData(nameof(Vectors))]
    public void A_running_crc_over_chunks_equals_the_one_shot_crc(byte[] data, uint crc)
    {
        var running = Crc32C.Start();
        for (var at = 0; at < data.Length; at += 5) running.Append(data.AsSpan(at, Math.Min(5, data.Length - at)));

        Assert.Equal(crc, running.GetCurrentHashAsUInt32());
    }
}
