// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using RaftCache.Node.Transport;
using RaftCache.Raft;
using static RaftCache.Node.Tests.Transport.TcpPeerTransportTests;

namespace RaftCache.Node.Tests.Transport;

/// <summary>
/// Records (docs/peer-protocol.md, "Records"): the frames of one flush sealed as one. Each test builds or sends
/// frames, injects a change (a flipped bit, a malformed inner frame) or none, and checks what the receiver gets.
/// </summary>
public sealed class PeerRecordTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private static Message Heartbeat(ulong commit) => new() { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 7, Commit = commit };

    private static byte[] Frames(IEnumerable<byte[]> frames) => [.. frames.SelectMany(f => f)];

    private static byte[] SealRecord(PeerChannel channel, byte[] frames)
    {
        var output = new ArrayBufferWriter<byte>();
        channel.SealRecord(frames, output);
        return output.WrittenSpan.ToArray();
    }

    private static List<(PeerFrameKind Kind, byte[] Payload)> OpenRecord(PeerChannel channel, byte[] sealedRecord)
    {
        var (kind, length) = PeerFrame.ReadHeader(sealedRecord, new PeerLimits(), PeerChannel.TagBytes);
        Assert.Equal(PeerFrameKind.Record, kind);
        var plaintext = new byte[length];
        var opened = channel.Open(sealedRecord.AsSpan(0, PeerFrame.HeaderBytes), sealedRecord.AsSpan(PeerFrame.HeaderBytes, length), plaintext);
        return Walk(plaintext[..opened]);
    }

    private static List<(PeerFrameKind Kind, byte[] Payload)> Walk(byte[] record)
    {
        var frames = new List<(PeerFrameKind, byte[])>();
        var reader = new PeerRecord.Reader(record, new PeerLimits());
        while (reader.TryNext(out var kind, out var payload)) frames.Add((kind, payload.ToArray()));
        return frames;
    }

    [Fact]
    public void Many_frames_sealed_as_one_record_open_to_the_same_frames_in_order()
    {
        using var sender = new PeerChannel(Key);
        using var receiver = new PeerChannel(Key);
        var frames = Enumerable.Range(1, 300).Select(i => i % 3 == 0
            ? PeerFrame.Frame(PeerFrameKind.Forward, BitConverter.GetBytes(i))
            : PeerFrame.EncodeBatch([new GroupMessage((ulong)i, Heartbeat((ulong)i))])).ToList();

        var sealedRecord = SealRecord(sender, Frames(frames));
        var opened = OpenRecord(receiver, sealedRecord);

        Assert.Equal(Frames(frames).Length + PeerFrame.HeaderBytes + PeerChannel.TagBytes, sealedRecord.Length);
        Assert.Equal(1UL, sender.Frames); // one nonce, one tag for all 300
        Assert.Equal(frames.Count, opened.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.Equal((PeerFrameKind)frames[i][4], opened[i].Kind);
            Assert.Equal(frames[i][PeerFrame.HeaderBytes..], opened[i].Payload);
        }
        var batch = PeerFrame.DecodeBatch(opened[0].Payload, new PeerLimits());
        Assert.Equal(1UL, batch.Single().Message.Commit);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(PeerFrame.HeaderBytes + 7)]
    [InlineData(-1)]
    public void A_record_with_a_flipped_bit_is_refused_whole(int offset)
    {
        using var sender = new PeerChannel(Key);
        using var receiver = new PeerChannel(Key);
        var sealedRecord = SealRecord(sender, Frames(Enumerable.Range(1, 20).Select(i => PeerFrame.EncodeBatch([new GroupMessage(1, Heartbeat((ulong)i))]))));
        sealedRecord[offset < 0 ? sealedRecord.Length + offset : offset] ^= 0x04;

        Assert.ThrowsAny<PeerProtocolException>(() =>
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(sealedRecord);
            if (length != sealedRecord.Length - PeerFrame.HeaderBytes) PeerProtocolException.Throw("length altered");
            OpenRecord(receiver, sealedRecord);
        });
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "empty", [] },
        { "cut inside a header", [.. PeerFrame.Frame(PeerFrameKind.Forward, [1]), 3, 0] },
        { "an inner frame longer than the record", [.. PeerFrame.Frame(PeerFrameKind.Forward, [1, 2, 3])[..^1]] },
        { "a record in a record", PeerFrame.Frame(PeerFrameKind.Record, PeerFrame.Frame(PeerFrameKind.Forward, [1])) },
        { "a snapshot in a record", PeerFrame.Frame(PeerFrameKind.SnapshotBatch, [0]) },
        { "a handshake frame in a record", PeerFrame.Frame(PeerFrameKind.Hello, [0]) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_record_is_a_protocol_error(string what, byte[] record)
    {
        var error = Assert.ThrowsAny<PeerProtocolException>(() => Walk(record));
        Assert.False(string.IsNullOrEmpty(error.Message), what);
    }

    [Fact]
    public async Task A_burst_of_frames_crosses_a_real_connection_in_records_and_arrives_whole_and_in_order()
    {
        // Injected: 2,000 heartbeats queued at once on a secured link, through a proxy that counts the frames on the
        // wire. Checked: every heartbeat arrives once and in order, in fewer wire frames than heartbeats, some of them records.
        var sink = new CollectingSink();
        await using var receiver = new TcpPeerTransport(2, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), new PeerLimits(), Secret, NullLogger.Instance);
        await receiver.StartAsync(sink, CancellationToken.None);
        var wireFrames = 0;
        var records = 0;
        await using var proxy = new FrameProxy(receiver.LocalEndPoint, (index, frame) =>
        {
            if (index > 0) Interlocked.Increment(ref wireFrames);
            if (index > 0 && frame[4] == (byte)PeerFrameKind.Record) Interlocked.Increment(ref records);
            return [frame];
        });
        await using var sender = new TcpPeerTransport(1, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), new PeerLimits(), Secret, NullLogger.Instance);
        await sender.StartAsync(new CollectingSink(), CancellationToken.None);
        sender.SetPeer(2, proxy.Address);
        const int Count = 2000;

        for (var i = 1; i <= Count; i++) Assert.True(sender.Send(2, [new GroupMessage(3, Heartbeat((ulong)i))]));

        for (var i = 1; i <= Count; i++) Assert.Equal((ulong)i, (await sink.NextAsync(TimeSpan.FromSeconds(20))).Message.Message.Commit);
        Assert.False(sink.TryTake(out _));
        Assert.True(records > 0, $"{wireFrames} wire frames, none a record");
        Assert.True(wireFrames < Count, $"{wireFrames} wire frames for {Count} heartbeats");
    }
}
