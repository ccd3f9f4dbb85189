// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using BenchmarkDotNet.Attributes;
using DotNext.Buffers;
using RaftCache.Node.Transport;
using RaftCache.Raft;

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
        var value = new byte[1024];
        var messages = Enumerable.Range(1, 16).Select(g => new GroupMessage((ulong)g, new Message
        {
            Type = MessageType.Append, From = 1, To = 2, Term = 9, LogTerm = 9, Index = 123_456, Commit = 123_455,
            Entries = [new Entry(123_457, 9, EntryType.Normal, value)],
        })).ToArray();
        _payload = PeerFrame.EncodeBatch(messages)[PeerFrame.HeaderBytes..];
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
