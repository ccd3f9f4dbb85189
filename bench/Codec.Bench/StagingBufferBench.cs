// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using BenchmarkDotNet.Attributes;
using DotNext.Buffers;
using RaftCache.Raft;
using RaftCache.Storage;

namespace RaftCache.Codec.Bench;

/// <summary>
/// The WAL's write path: one group commit's records (256 entries records of one 1 KiB entry) framed into the
/// staging buffer and cleared for the next batch. <c>StagingBuffer</c> (an owned array, grown by doubling and kept)
/// against DotNext's <see cref="PoolingArrayBufferWriter{T}"/> (a pooled array) doing the same framing.
/// </summary>
[MemoryDiagnoser]
public class StagingBufferBench
{
    private const int Records = 256;
    private readonly StagingBuffer _staging = new();
    private readonly PoolingArrayBufferWriter<byte> _pooling = new();
    private Entry[] _entries = [];

    [GlobalSetup]
    public void Setup()
    {
        var value = new byte[1024];
        new Random(21).NextBytes(value);
        _entries = [.. Enumerable.Range(1, Records).Select(i => new Entry((ulong)i, 3, EntryType.Normal, value))];
    }

    [GlobalCleanup]
    public void Cleanup() => _pooling.Dispose();

    [Benchmark(Baseline = true)]
    public int StagingBuffer_batch()
    {
        _staging.Clear();
        for (var i = 0; i < Records; i++)
        {
            _staging.BeginRecord(EntryCodec.RunHeaderBytes + EntryCodec.EntryHeaderBytes + 1024);
            var w = new ByteWriter(_staging);
            EntryCodec.Write(ref w, _entries, i, 1);
            _staging.EndRecord(RecordType.Entries, 1, (ulong)i + 1);
        }

        return _staging.Length;
    }

    [Benchmark]
    public int PoolingArrayBufferWriter_batch()
    {
        _pooling.Clear(reuseBuffer: true);
        for (var i = 0; i < Records; i++)
        {
            var start = _pooling.WrittenCount;
            _pooling.GetSpan(RecordFormat.HeaderBytes);
            _pooling.Advance(RecordFormat.HeaderBytes);
            var w = new ByteWriter(_pooling);
            EntryCodec.Write(ref w, _entries, i, 1);
            var payload = _pooling.WrittenCount - start - RecordFormat.HeaderBytes;
            var padding = RecordFormat.Align(payload) - payload;
            _pooling.GetSpan(padding)[..padding].Clear();
            _pooling.Advance(padding);
            RecordFormat.Seal(_pooling.WrittenArray.AsSpan(start), RecordType.Entries, 0, 1, (ulong)i + 1, payload);
        }

        return _pooling.WrittenCount;
    }
}
