// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using RaftCache.Codec;
using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Transport;

/// <summary>The bytes of a message on the wire, and that its entries and snapshot metadata are the WAL's.</summary>
public sealed partial class RaftMessageCodecTests
{
    [Fact]
    public void An_append_keeps_its_wire_bytes()
    {
        var message = new Message
        {
            Type = MessageType.Append, From = 1, To = 2, Term = 3, LogTerm = 2, Index = 5, Commit = 4,
            Entries = [new Entry(6, 3, EntryType.Normal, "ab"u8.ToArray())],
        };

        // type, from, to, term, logTerm, index, commit, reject, rejectHint, context, session, entries flag, then the
        // WAL's entries layout (u64 first index 6, u32 count 1, u64 term 3, u8 type, u32 length 2, "ab"), no snapshot.
        Assert.Equal(
            $"{(byte)MessageType.Append:x2}" + "010203020504" + "00" + "000000" + "01"
            + "0600000000000000" + "01000000" + "0300000000000000" + "00" + "02000000" + "6162" + "00",
            Convert.ToHexString(Encode(message)).ToLowerInvariant());
    }

    [Fact]
    public void A_snapshot_keeps_its_wire_bytes()
    {
        var conf = new ConfState { Voters = [1, 2], Learners = [3] };
        var message = new Message { Type = MessageType.Snapshot, From = 1, To = 2, Term = 2, Snapshot = new Snapshot(new SnapshotMetadata(300, 2, conf), "z"u8.ToArray()) };

        // ... no entries, then snapshot flag and the WAL's metadata layout: u64 index 300, u64 term, u8 autoLeave,
        // voters [1, 2], outgoing [], learners [3], next [] (u32 count + u64 ids each), then the data as varint + bytes.
        Assert.Equal(
            $"{(byte)MessageType.Snapshot:x2}" + "010202000000" + "00" + "000000" + "00" + "01"
            + "2c01000000000000" + "0200000000000000" + "00"
            + "02000000" + "0100000000000000" + "0200000000000000" + "00000000" + "01000000" + "0300000000000000" + "00000000"
            + "017a",
            Convert.ToHexString(Encode(message)).ToLowerInvariant());
    }

    [Fact]
    public void The_entries_and_snapshot_metadata_on_the_wire_are_the_bytes_the_wal_writes()
    {
        var entries = new[] { new Entry(300, 2, EntryType.NoOp, ReadOnlyMemory<byte>.Empty), new Entry(301, 2, EntryType.Normal, "q"u8.ToArray()) };
        var metadata = new SnapshotMetadata(299, 2, new ConfState { Voters = [7, 9], LearnersNext = [4], AutoLeave = true });
        var wire = Encode(new Message { Type = MessageType.Append, From = 7, To = 9, Entries = entries, Snapshot = new Snapshot(metadata, "s"u8.ToArray()) });
        var walEntries = new ArrayBufferWriter<byte>();
        var w = new ByteWriter(walEntries);
        EntryCodec.Write(ref w, entries, 0, entries.Length);
        var walMetadata = new ArrayBufferWriter<byte>();
        w = new ByteWriter(walMetadata);
        SnapshotMetadataCodec.Write(ref w, metadata);

        var header = RaftMessageCodec.MinEncodedBytes - 2;
        Assert.Equal(1, wire[header]);
        Assert.Equal(walEntries.WrittenSpan.ToArray(), wire.AsSpan(header + 1, walEntries.WrittenCount).ToArray());
        var snapshotAt = header + 1 + walEntries.WrittenCount;
        Assert.Equal(1, wire[snapshotAt]);
        Assert.Equal(walMetadata.WrittenSpan.ToArray(), wire.AsSpan(snapshotAt + 1, walMetadata.WrittenCount).ToArray());

        var r = new ByteReader<FormatErrors>(wire.AsSpan(header + 1));
        var read = EntryCodec.Read(ref r, 10);
        Assert.Equal(entries.Select(e => (e.Index, e.Term, e.Type)), read.Select(e => (e.Index, e.Term, e.Type)));
        Assert.Equal(1, r.Byte());
        Assert.Equal(metadata, SnapshotMetadataCodec.Read(ref r, 10));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    public void A_peer_of_another_protocol_version_is_refused_by_name_in_the_handshake(byte version)
    {
        // Entries, snapshots and the framing after the handshake (records, version 6) changed between versions, so the
        // version, not a garbled message, must stop it.
        var challenge = PeerHandshake.EncodeChallenge(new PeerChallenge(true, 1, 2, new byte[PeerCredentials.NonceBytes]));
        var hello = PeerHandshake.EncodeHello(new PeerHello(true, 1, 2, 1, new byte[PeerCredentials.NonceBytes], new byte[PeerCredentials.ProofBytes]));
        challenge[PeerFrame.HeaderBytes] = version;
        hello[PeerFrame.HeaderBytes] = version;

        var expected = $"peer speaks protocol version {version}, this node {PeerFrame.ProtocolVersion}";
        Assert.Equal(expected, Assert.Throws<PeerProtocolException>(() => PeerHandshake.DecodeChallenge(challenge.AsSpan(PeerFrame.HeaderBytes))).Message);
        Assert.Equal(expected, Assert.Throws<PeerProtocolException>(() => PeerHandshake.DecodeHello(hello.AsSpan(PeerFrame.HeaderBytes))).Message);
    }
}
