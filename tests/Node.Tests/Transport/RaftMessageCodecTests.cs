// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Transport;

public sealed class RaftMessageCodecTests
{
    private static readonly PeerLimits Limits = new();

    private static byte[] Encode(Message message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        RaftMessageCodec.Encode(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Every_field_entry_and_snapshot_survives_a_round_trip()
    {
        var message = SampleMessages.Full(1, 2);

        SampleMessages.AssertSame(message, RaftMessageCodec.Decode(Encode(message), Limits));
    }

    [Fact]
    public void A_heartbeat_encodes_in_a_few_bytes()
    {
        // Varints keep the most frequent message small: heartbeats are coalesced per node pair but still many.
        var heartbeat = new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 5, Commit = 1000 };

        Assert.True(Encode(heartbeat).Length <= 20, $"heartbeat took {Encode(heartbeat).Length} bytes");
    }

    [Fact]
    public void Every_truncation_of_a_valid_message_is_refused_with_a_protocol_error()
    {
        var bytes = Encode(SampleMessages.Full(1, 2));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<PeerProtocolException>(() => RaftMessageCodec.Decode(bytes.AsSpan(0, length), Limits));
        }
    }

    [Fact]
    public void Trailing_bytes_after_a_message_are_refused()
    {
        var bytes = Encode(SampleMessages.Full(1, 2)).Append((byte)0).ToArray();

        Assert.Throws<PeerProtocolException>(() => RaftMessageCodec.Decode(bytes, Limits));
    }

    [Theory]
    [InlineData(MessageType.Hup)]
    [InlineData(MessageType.Beat)]
    [InlineData(MessageType.Unreachable)]
    [InlineData(MessageType.SnapshotStatus)]
    [InlineData(MessageType.CheckQuorum)]
    public void Local_message_types_are_refused_so_a_peer_cannot_make_this_node_campaign(MessageType type)
    {
        var bytes = Encode(new Message { Type = type, From = 1, To = 2 });

        var error = Assert.Throws<PeerProtocolException>(() => RaftMessageCodec.Decode(bytes, Limits));
        Assert.Contains("not allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_count_beyond_the_limit_is_refused_before_allocating()
    {
        var bytes = Encode(new Message { Type = MessageType.Append, From = 1, To = 2, Entries = [new Entry(1, 1, EntryType.Normal, new byte[1])] });
        var tight = Limits with { MaxEntriesPerMessage = 0 };

        var error = Assert.Throws<PeerProtocolException>(() => RaftMessageCodec.Decode(bytes, tight));
        Assert.Contains("entry count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_string_longer_than_the_message_is_refused()
    {
        // Type, 10 zero varints, reject=0, ... then one entry claiming a 2^40-byte payload.
        var w = new ArrayBufferWriter<byte>();
        var writer = new WireWriter(w);
        writer.Byte((byte)MessageType.Append);
        for (var i = 0; i < 6; i++) writer.VarUInt(1);
        writer.Byte(0);
        for (var i = 0; i < 3; i++) writer.VarUInt(0);
        writer.VarUInt(1); // one entry
        writer.VarUInt(1);
        writer.VarUInt(1);
        writer.Byte(0);
        writer.VarUInt(1UL << 40);

        Assert.Throws<PeerProtocolException>(() => RaftMessageCodec.Decode(w.WrittenSpan, Limits));
    }

    [Fact]
    public void A_varint_of_eleven_bytes_is_refused()
    {
        var bytes = new byte[] { (byte)MessageType.Heartbeat, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };

        Assert.Throws<PeerProtocolException>(() => RaftMessageCodec.Decode(bytes, Limits));
    }

    [Fact]
    public void Random_bytes_never_escape_as_anything_but_a_protocol_error()
    {
        var random = new SplitMix64(20261121);
        var valid = Encode(SampleMessages.Full(1, 2));
        for (var round = 0; round < 5000; round++)
        {
            var bytes = (byte[])valid.Clone();
            var flips = 1 + random.Next(4);
            for (var f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                RaftMessageCodec.Decode(bytes, Limits);
            }
            catch (PeerProtocolException)
            {
            }
        }
    }
}
