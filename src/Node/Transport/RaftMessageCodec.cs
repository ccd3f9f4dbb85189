// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Collections.Immutable;
using RaftCache.Raft;

namespace RaftCache.Node.Transport;

/// <summary>
/// The wire encoding of a Raft <see cref="Message"/>: the type byte, LEB128 varints for every number, the
/// entries, and an optional snapshot with its configuration. Layout in docs/peer-protocol.md. Decoding
/// validates everything: local-only message types (Hup, Beat, ...) are refused, so a peer can never make
/// this node campaign or report on its behalf.
/// </summary>
public static class RaftMessageCodec
{
    /// <summary>Smallest encoded message: type, ten one-byte varints, reject flag, entry count 0, no snapshot.</summary>
    public const int MinEncodedBytes = 1 + 6 + 1 + 3 + 1 + 1;

    /// <summary>Smallest encoded entry: index, term, type, empty data.</summary>
    private const int MinEntryBytes = 4;

    public static void Encode(Message message, IBufferWriter<byte> output)
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
        w.VarUInt((ulong)message.Entries.Count);
        foreach (var entry in message.Entries)
        {
            w.VarUInt(entry.Index);
            w.VarUInt(entry.Term);
            w.Byte((byte)entry.Type);
            w.Bytes(entry.Data.Span);
        }
        if (message.Snapshot is { } snapshot)
        {
            w.Byte(1);
            w.VarUInt(snapshot.Metadata.Index);
            w.VarUInt(snapshot.Metadata.Term);
            EncodeConfState(snapshot.Metadata.ConfState, ref w);
            w.Bytes(snapshot.Data.Span);
        }
        else
        {
            w.Byte(0);
        }
    }

    public static Message Decode(ReadOnlySpan<byte> data, PeerLimits limits)
    {
        var r = new WireReader(data);
        var message = Decode(ref r, limits);
        r.ExpectEnd("the message");
        return message;
    }

    public static Message Decode(ref WireReader r, PeerLimits limits)
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
        var entries = DecodeEntries(ref r, limits);
        var snapshot = r.Boolean() ? DecodeSnapshot(ref r, limits) : null;
        return message with { Entries = entries, Snapshot = snapshot };
    }

    private static Entry[] DecodeEntries(ref WireReader r, PeerLimits limits)
    {
        var count = r.Count(limits.MaxEntriesPerMessage, "entry", MinEntryBytes);
        if (count == 0) return [];
        var entries = new Entry[count];
        for (var i = 0; i < count; i++)
        {
            var index = r.VarUInt();
            var term = r.VarUInt();
            var type = r.Byte();
            if (type > (byte)EntryType.ConfChange) PeerProtocolException.Throw($"entry type {type} is unknown");
            entries[i] = new Entry(index, term, (EntryType)type, r.Bytes().ToArray());
        }
        return entries;
    }

    private static Snapshot DecodeSnapshot(ref WireReader r, PeerLimits limits)
    {
        var index = r.VarUInt();
        var term = r.VarUInt();
        var conf = DecodeConfState(ref r, limits);
        var data = r.Bytes().ToArray();
        return new Snapshot(new SnapshotMetadata(index, term, conf), data);
    }

    private static void EncodeConfState(ConfState conf, ref WireWriter w)
    {
        EncodeIds(conf.Voters, ref w);
        EncodeIds(conf.VotersOutgoing, ref w);
        EncodeIds(conf.Learners, ref w);
        EncodeIds(conf.LearnersNext, ref w);
        w.Byte(conf.AutoLeave ? (byte)1 : (byte)0);
    }

    private static ConfState DecodeConfState(ref WireReader r, PeerLimits limits) => new()
    {
        Voters = DecodeIds(ref r, limits),
        VotersOutgoing = DecodeIds(ref r, limits),
        Learners = DecodeIds(ref r, limits),
        LearnersNext = DecodeIds(ref r, limits),
        AutoLeave = r.Boolean(),
    };

    private static void EncodeIds(ImmutableArray<ulong> ids, ref WireWriter w)
    {
        w.VarUInt((ulong)ids.Length);
        foreach (var id in ids) w.VarUInt(id);
    }

    private static ImmutableArray<ulong> DecodeIds(ref WireReader r, PeerLimits limits)
    {
        var count = r.Count(limits.MaxConfMembers, "member");
        var ids = ImmutableArray.CreateBuilder<ulong>(count);
        for (var i = 0; i < count; i++) ids.Add(r.VarUInt());
        return ids.MoveToImmutable();
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
