// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using RaftCache.Codec;
using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Transport;

public sealed partial class RaftMessageCodecTests
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
    public void A_forwarded_proposal_keeps_its_unstamped_entries_at_index_0()
    {
        var proposal = new Message
        {
            Type = MessageType.Propose, From = 2, To = 1,
            Entries = [new Entry(0, 0, EntryType.Normal, "a"u8.ToArray()), new Entry(0, 0, EntryType.ConfChange, "b"u8.ToArray())],
        };

        SampleMessages.AssertSame(proposal, RaftMessageCodec.Decode(Encode(proposal), Limits));
    }

    [Fact]
    public void Entries_that_are_not_one_consecutive_run_are_refused_when_encoded()
    {
        var gap = new Message { Type = MessageType.Append, From = 1, To = 2, Entries = [new Entry(5, 1, EntryType.Normal, default), new Entry(7, 1, EntryType.Normal, default)] };

        Assert.Throws<ArgumentException>(() => Encode(gap));
    }

    [Theory]
    [InlineData(0xFFFF_FFFFu, "entry data")]
    [InlineData(2u, "overflow")]
    public void An_entry_length_beyond_the_message_or_indexes_past_the_last_are_refused(uint lengthOrCount, string expected)
    {
        var w = new ArrayBufferWriter<byte>();
        var writer = new ByteWriter(w);
        writer.Byte((byte)MessageType.Append);
        for (var i = 0; i < 6; i++) writer.VarUInt(1);
        writer.Byte(0);
        for (var i = 0; i < 3; i++) writer.VarUInt(0);
        writer.Byte(1); // entries follow
        var overflow = expected == "overflow";
        writer.UInt64(overflow ? ulong.MaxValue : 1);
        writer.UInt32(overflow ? lengthOrCount : 1);
        for (var i = 0; i < (overflow ? 2 : 1); i++)
        {
            writer.UInt64(1);
            writer.Byte(0);
            writer.UInt32(overflow ? 0 : lengthOrCount);
        }

        var error = Assert.Throws<PeerProtocolException>(() => RaftMessageCodec.Decode(w.WrittenSpan, Limits));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_longer_than_the_message_is_refused()
    {
        var bytes = Encode(new Message { Type = MessageType.Snapshot, From = 1, To = 2, Snapshot = new Snapshot(new SnapshotMetadata(1, 1, new ConfState()), new byte[3]) });
        var claimsHuge = bytes[..^4].Concat(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x20 }).ToArray(); // varint 2^40

        var error = Assert.Throws<PeerProtocolException>(() => RaftMessageCodec.Decode(claimsHuge, Limits));
        Assert.Contains("snapshot data", error.Message, StringComparison.Ordinal);
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
