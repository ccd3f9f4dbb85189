// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using BenchmarkDotNet.Attributes;
using DotNext.Buffers;
using RaftCache.Node.Transport;

namespace RaftCache.Codec.Bench;

/// <summary>
/// The transport's receive path: a frame's payload read into a pooled buffer and decoded. Today's
/// <c>ArrayPool.Rent</c> with a <c>finally</c> that returns it, against DotNext's <see cref="MemoryOwner{T}"/> over
/// the same pool, disposed by <c>using</c>.
/// </summary>
[MemoryDiagnoser]
public class ReceiveBufferBench
{
    private static readonly PeerLimits Limits = new();
    private byte[] _payload = [];

    [GlobalSetup]
    public void Setup()
    {
        _payload = PeerFrame.EncodeBatch(SendBufferBench.Appends(new byte[1024]))[PeerFrame.HeaderBytes..];
    }

    [Benchmark(Baseline = true)]
    public int ArrayPool_rent_return()
    {
        var payload = ArrayPool<byte>.Shared.Rent(_payload.Length);
        try
        {
            _payload.CopyTo(payload, 0);
            return PeerFrame.DecodeBatch(payload.AsSpan(0, _payload.Length), Limits).Count;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    [Benchmark]
    public int MemoryOwner_using()
    {
        using var payload = new MemoryOwner<byte>(ArrayPool<byte>.Shared, _payload.Length);
        _payload.CopyTo(payload.Span);
        return PeerFrame.DecodeBatch(payload.Span, Limits).Count;
    }
}
