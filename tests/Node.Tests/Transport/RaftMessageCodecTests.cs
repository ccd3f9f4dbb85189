// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using RaftCache.Codec;
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
    public void An_append_keeps_its_wire_bytes()
    {
        var message = new Message
        {
            Type = MessageType.Append, From = 1, To = 2, Term = 3, LogTerm = 2, Index = 5, Commit = 4,
            Entries = [new Entry(6, 3, EntryType.Normal, "ab"u8.ToArray())],
        };

        // type, from, to, term, logTerm, index, commit, reject, rejectHint, context, session, 1 entry (index, term, type, "ab"), no snapshot.
        Assert.Equal(
            $"{(byte)MessageType.Append:x2}" + "010203020504" + "00" + "000000" + "01" + "0603" + "00" + "026162" + "00",
            Convert.ToHexString(Encode(message)).ToLowerInvariant());
    }

    [Fact]
    public void A_snapshot_keeps_its_wire_bytes()
    {
        var conf = new ConfState { Voters = [1, 2], Learners = [3] };
        var message = new Message { Type = MessageType.Snapshot, From = 1, To = 2, Term = 2, Snapshot = new Snapshot(new SnapshotMetadata(300, 2, conf), "z"u8.ToArray()) };

        // ... no entries, then snapshot: flag, index 300 (varint ac 02), term, voters [1, 2], outgoing [], learners [3], next [], autoLeave, data.
        Assert.Equal(
            $"{(byte)MessageType.Snapshot:x2}" + "010202000000" + "00" + "000000" + "00" + "01" + "ac02" + "02" + "020102" + "00" + "0103" + "00" + "00" + "017a",
            Convert.ToHexString(Encode(message)).ToLowerInvariant());
    }

    [Fact]
    public void What_the_transport_writes_the_shared_codec_reads()
    {
        var bytes = Encode(new Message { Type = MessageType.Append, From = 7, To = 9, Entries = [new Entry(300, 2, EntryType.NoOp, "q"u8.ToArray())] });
        var r = new ByteReader<FormatErrors>(bytes);

        Assert.Equal((byte)MessageType.Append, r.Byte());
        Assert.Equal((7ul, 9ul), (r.VarUInt(), r.VarUInt()));
        for (var i = 0; i < 4; i++) r.VarUInt();
        Assert.False(r.Boolean());
        for (var i = 0; i < 3; i++) r.VarUInt();
        Assert.Equal(1, r.Count(10, "entry"));
        Assert.Equal((300ul, 2ul, (byte)EntryType.NoOp), (r.VarUInt(), r.VarUInt(), r.Byte()));
        Assert.Equal("q"u8.ToArray(), r.Bytes().ToArray());
        Assert.False(r.Boolean());
        r.ExpectEnd("the message");
    }

    [Fact]
    public void A_byte_string_longer_than_the_message_is_refused()
    {
        // Type, 10 zero varints, reject=0, ... then one entry claiming a 2^40-byte payload.
        var w = new ArrayBufferWriter<byte>();
        var writer = new ByteWriter(w);
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
