// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using BenchmarkDotNet.Attributes;

namespace RaftCache.Codec.Bench;

/// <summary>CRC-32C through System.IO.Hashing at a WAL record's, a page's and a snapshot chunk's size.</summary>
[MemoryDiagnoser]
public class CrcBench
{
    private byte[] _data = [];

    [Params(64, 4096, 1 << 20)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Bytes];
        new Random(21).NextBytes(_data);
    }

    [Benchmark]
    public uint Crc32C_compute() => Crc32C.Compute(_data);
}
