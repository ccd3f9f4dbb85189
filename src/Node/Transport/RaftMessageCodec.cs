// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using RaftCache.Raft;

namespace RaftCache.Node.Transport;

/// <summary>
/// The wire encoding of a Raft <see cref="Message"/>: the type byte, LEB128 varints for the header's numbers, then
/// the entries and an optional snapshot in the one layout of their Raft type, the WAL's (<see cref="EntryCodec"/>,
/// <see cref="SnapshotMetadataCodec"/>). Layout in docs/peer-protocol.md. Decoding
/// validates everything: local-only message types (Hup, Beat, ...) are refused, so a peer can never make
/// this node campaign or report on its behalf.
/// </summary>
public static class RaftMessageCodec
{
    /// <summary>Smallest encoded message: type, ten one-byte varints, reject flag, no entries, no snapshot.</summary>
    public const int MinEncodedBytes = 1 + 6 + 1 + 3 + 1 + 1;

    public static void Encode(Message message, IBufferWriter<byte> output) => Encode(message, output, snapshotLength: -1);

    /// <summary>
    /// Encodes a snapshot message up to its snapshot's bytes: their length is <paramref name="snapshotLength"/>, and
    /// the caller appends them (they are always the last thing a message holds).
    /// </summary>
    public static void EncodeWithoutSnapshotBytes(Message message, int snapshotLength, IBufferWriter<byte> output)
    {
        if (message.Snapshot is null) throw new ArgumentException("a snapshot message without its snapshot", nameof(message));
        Encode(message, output, snapshotLength);
    }

    private static void Encode(Message message, IBufferWriter<byte> output, int snapshotLength)
    {
        var w = new WireWriter(output);
        w.Byte((byte)message.Type);
        w.VarUInt(message.From);
        w.VarUInt(message.To);
        w.VarUInt(message.Term);
        w.VarUInt(message.LogTerm);
        w.VarUInt(message.Index);
        w.VarUInt(message.Commit);
        w.Byte(message.Reject ? (byte)1 : (byte)0);
        w.VarUInt(message.RejectHint);
        w.VarUInt(message.Context);
        w.VarUInt(message.Session);
        w.Boolean(message.Entries.Count > 0);
        if (message.Entries.Count > 0) EntryCodec.Write(ref w, message.Entries, 0, message.Entries.Count);
        w.Boolean(message.Snapshot is not null);
        if (message.Snapshot is { } snapshot)
        {
            SnapshotMetadataCodec.Write(ref w, snapshot.Metadata);
            if (snapshotLength < 0) w.Bytes(snapshot.Data.Span);
            else w.VarUInt((ulong)snapshotLength);
        }
    }

    public static Message Decode(ReadOnlySpan<byte> data, PeerLimits limits)
    {
        var r = new WireReader(data);
        var message = Decode(ref r, limits);
        r.ExpectEnd("the message");
        return message;
    }

    /// <summary>
    /// Decodes one message. With <paramref name="owner"/> (the memory <paramref name="r"/> reads) a snapshot's bytes
    /// are a slice of it; without, a copy.
    /// </summary>
    public static Message Decode(ref WireReader r, PeerLimits limits, ReadOnlyMemory<byte> owner = default)
    {
        var type = r.Byte();
        if (!IsWireType(type)) PeerProtocolException.Throw($"message type {type} is not allowed on the wire");
        var message = new Message
        {
            Type = (MessageType)type,
            From = r.VarUInt(),
            To = r.VarUInt(),
            Term = r.VarUInt(),
            LogTerm = r.VarUInt(),
            Index = r.VarUInt(),
            Commit = r.VarUInt(),
            Reject = r.Boolean(),
            RejectHint = r.VarUInt(),
            Context = r.VarUInt(),
            Session = r.VarUInt(),
        };
        var entries = r.Boolean("entries flag") ? EntryCodec.Read(ref r, limits.MaxEntriesPerMessage) : [];
        var snapshot = r.Boolean("snapshot flag") ? DecodeSnapshot(ref r, limits, owner) : null;
        return message with { Entries = entries, Snapshot = snapshot };
    }

    private static Snapshot DecodeSnapshot(ref WireReader r, PeerLimits limits, ReadOnlyMemory<byte> owner)
    {
        var metadata = SnapshotMetadataCodec.Read(ref r, limits.MaxConfMembers);
        var data = r.Bytes("snapshot data");
        return new Snapshot(metadata, owner.IsEmpty ? data.ToArray() : owner.Slice(r.Position - data.Length, data.Length));
    }

    /// <summary>Message types one member may send another; the rest are the host's own signals to its core.</summary>
    public static bool IsWireType(byte type) => (MessageType)type switch
    {
        MessageType.Propose or MessageType.Append or MessageType.AppendResponse or MessageType.Vote
            or MessageType.VoteResponse or MessageType.Snapshot or MessageType.Heartbeat
            or MessageType.HeartbeatResponse or MessageType.TransferLeader or MessageType.TimeoutNow
            or MessageType.ReadIndex or MessageType.ReadIndexResponse or MessageType.PreVote
            or MessageType.PreVoteResponse => true,
        _ => false,
    };
}
