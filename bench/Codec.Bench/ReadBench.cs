// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using DotNext.Buffers;
using DotNext.Buffers.Binary;

namespace RaftCache.Codec.Bench;

/// <summary>
/// Decoding 1,000 fields the way the transport (varints) and the WAL (fixed u64) read them: the shared reader
/// against DotNext's <c>Leb128</c> and <c>SpanReader&lt;byte&gt;</c> doing the same job.
/// </summary>
[MemoryDiagnoser]
public class ReadBench
{
    private const int Fields = 1000;
    private byte[] _varints = [];
    private byte[] _fixed = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(21);
        var varints = new ArrayBufferWriter<byte>();
        var fixedWidth = new ArrayBufferWriter<byte>();
        var w = new ByteWriter(varints);
        var f = new ByteWriter(fixedWidth);
        for (var i = 0; i < Fields; i++)
        {
            var value = (ulong)random.NextInt64(1, 1L << 40) >> random.Next(0, 40);
            w.VarUInt(value);
            f.UInt64(value);
        }

        _varints = varints.WrittenSpan.ToArray();
        _fixed = fixedWidth.WrittenSpan.ToArray();
    }

    [Benchmark(Baseline = true)]
    public ulong Varints_shared_reader()
    {
        var r = new ByteReader<FormatErrors>(_varints);
        ulong sum = 0;
        for (var i = 0; i < Fields; i++) sum += r.VarUInt();
        return sum;
    }

    [Benchmark]
    public ulong Varints_DotNext_Leb128()
    {
        ReadOnlySpan<byte> span = _varints;
        ulong sum = 0;
        for (var i = 0; i < Fields; i++)
        {
            if (!Leb128.TryReadLeb128<ulong>(span, out var value, out var consumed)) throw new FormatException("truncated");
            sum += value;
            span = span[consumed..];
        }

        return sum;
    }

    [Benchmark]
    public ulong Fixed_shared_reader()
    {
        var r = new ByteReader<FormatErrors>(_fixed);
        ulong sum = 0;
        for (var i = 0; i < Fields; i++) sum += r.UInt64();
        return sum;
    }

    [Benchmark]
    public ulong Fixed_DotNext_SpanReader()
    {
        var r = new SpanReader<byte>(_fixed);
        ulong sum = 0;
        for (var i = 0; i < Fields; i++) sum += BinaryPrimitives.ReadUInt64LittleEndian(r.Read(8));
        return sum;
    }
}
