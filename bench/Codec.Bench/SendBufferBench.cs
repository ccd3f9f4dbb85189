// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using DotNext.Buffers;
using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Codec.Bench;

/// <summary>
/// The transport's send path: one batch frame from a loop step's messages. Today's <c>PeerFrame.EncodeBatch</c>
/// (a fresh <see cref="ArrayBufferWriter{T}"/> per frame, then a copy into the queued frame array) against DotNext's
/// <see cref="PoolingBufferWriter{T}"/> as the scratch buffer, fresh per frame and reused per pump.
/// </summary>
[MemoryDiagnoser]
public class SendBufferBench
{
    private readonly PoolingBufferWriter<byte> _reused = new();
    private GroupMessage[] _messages = [];

    /// <summary>heartbeats: 64 groups' heartbeats to one peer; appends: 16 groups each appending one 1 KiB entry.</summary>
    [Params("heartbeats", "appends")]
    public string Batch { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var value = new byte[1024];
        new Random(21).NextBytes(value);
        _messages = Batch == "heartbeats"
            ? [.. Enumerable.Range(1, 64).Select(g => new GroupMessage((ulong)g, new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 9, Commit = 123_456 }))]
            : Appends(value);
    }

    /// <summary>16 groups' appends of one entry each to one peer: a loop step's frame under write load.</summary>
    internal static GroupMessage[] Appends(byte[] value) => [.. Enumerable.Range(1, 16).Select(g => new GroupMessage((ulong)g, new Message
    {
        Type = MessageType.Append, From = 1, To = 2, Term = 9, LogTerm = 9, Index = 123_456, Commit = 123_455,
        Entries = [new Entry(123_457, 9, EntryType.Normal, value)],
    }))];

    [GlobalCleanup]
    public void Cleanup() => _reused.Dispose();

    [Benchmark(Baseline = true)]
    public byte[] ArrayBufferWriter_per_frame() => PeerFrame.EncodeBatch(_messages);

    [Benchmark]
    public byte[] PoolingBufferWriter_per_frame()
    {
        using var buffer = new PoolingBufferWriter<byte>();
        return Frame(buffer);
    }

    [Benchmark]
    public byte[] PoolingBufferWriter_reused()
    {
        _reused.Clear(reuseBuffer: true);
        return Frame(_reused);
    }

    // The same bytes EncodeBatch makes: the header is reserved up front and filled in once the length is known.
    private byte[] Frame(PoolingBufferWriter<byte> buffer)
    {
        buffer.GetSpan(PeerFrame.HeaderBytes);
        buffer.Advance(PeerFrame.HeaderBytes);
        var w = new ByteWriter(buffer);
        w.VarUInt((ulong)_messages.Length);
        foreach (var (group, message) in _messages)
        {
            w.VarUInt(group);
            RaftMessageCodec.Encode(message, buffer);
        }

        var frame = buffer.WrittenMemory.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(frame.Length - PeerFrame.HeaderBytes));
        frame[4] = (byte)PeerFrameKind.Batch;
        return frame;
    }
}
