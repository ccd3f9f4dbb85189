// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using RaftCache.Raft;

namespace RaftCache.Node.Transport;

/// <summary>Kinds of peer frames. On the wire: values are explicit and only ever appended.</summary>
public enum PeerFrameKind : byte
{
    /// <summary>The dialer's answer to a <see cref="Challenge"/>: its node id, its nonce and its proof (docs/peer-protocol.md).</summary>
    Hello = 1,

    /// <summary>Raft messages for any number of groups, each tagged with its group id.</summary>
    Batch = 2,

    /// <summary>A batch holding one snapshot message: sent on the separate, rate-limited snapshot connection.</summary>
    SnapshotBatch = 3,

    /// <summary>First frame on a connection, sent by the receiver: protocol version, cluster id, its node id and a fresh nonce.</summary>
    Challenge = 4,

    /// <summary>The receiver's verdict on a hello: accepted with its own proof, or refused with a reason.</summary>
    Welcome = 5,

    /// <summary>A client request handed to another member (a write for the shard leader, a read for a replica): opaque to the transport.</summary>
    Forward = 6,

    /// <summary>The typed outcome of a <see cref="Forward"/>, matched to it by request id: opaque to the transport.</summary>
    ForwardReply = 7,

    /// <summary>
    /// Between secured peers: several frames (Batch, Forward, ForwardReply, each with its header) sealed as one, so a
    /// flush of many queued frames costs one seal and one tag (<see cref="PeerRecord"/>).
    /// </summary>
    Record = 8,
}

/// <summary>A Raft message and the group it belongs to.</summary>
public readonly record struct GroupMessage(ulong GroupId, Message Message);

/// <summary>
/// Framing of the peer protocol: a 4-byte little-endian payload length, a kind byte, then the payload.
/// The length is checked against <see cref="PeerLimits.MaxFrameBytes"/> before anything is allocated.
/// </summary>
public static class PeerFrame
{
    public const int HeaderBytes = 5;
    /// <summary>
    /// Version 6: entries and snapshot metadata travel in the WAL's layout of their Raft type, client requests travel
    /// between members as <see cref="PeerFrameKind.Forward"/> frames, and frames after the handshake are sealed
    /// (<see cref="PeerChannel"/>) between secured peers, the frames of one flush together as one
    /// <see cref="PeerFrameKind.Record"/>. Any other version is refused in the handshake.
    /// </summary>
    public const byte ProtocolVersion = 6;

    /// <summary>Largest handshake frame (challenge, hello, welcome): they are small, so a peer cannot make the handshake allocate.</summary>
    public const int MaxHandshakeFrameBytes = 1024;

    /// <summary>
    /// Reads a header; returns the payload length or throws on a length beyond the limit. A sealed frame's payload
    /// carries <paramref name="sealedOverhead"/> more bytes (<see cref="PeerChannel.TagBytes"/>) than its limit.
    /// </summary>
    public static (PeerFrameKind Kind, int Length) ReadHeader(ReadOnlySpan<byte> header, PeerLimits limits, int sealedOverhead = 0)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var kind = (PeerFrameKind)header[4];
        var limit = kind switch
        {
            PeerFrameKind.Batch or PeerFrameKind.Forward or PeerFrameKind.ForwardReply => limits.MaxFrameBytes,
            PeerFrameKind.SnapshotBatch => limits.MaxSnapshotFrameBytes,
            PeerFrameKind.Record => PeerRecord.MaxBytes,
            PeerFrameKind.Hello or PeerFrameKind.Challenge or PeerFrameKind.Welcome => MaxHandshakeFrameBytes,
            _ => Unknown(kind),
        };
        if (length > (ulong)limit + (ulong)sealedOverhead) PeerProtocolException.Throw($"{kind} frame of {length} bytes exceeds the limit of {limit}");
        return (kind, (int)length);
    }

    // The encoding scratch of the thread that sends (the host loop): reused, so a frame costs one array, the frame itself.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>
    /// The batch as frames the receiver accepts (at most <see cref="PeerLimits.MaxFrameBytes"/> of payload and
    /// <see cref="PeerLimits.MaxMessagesPerFrame"/> messages each), in order. One frame almost always; the catch-up
    /// appends of many groups to one peer (up to <c>MaxMessageBytes</c> each) can add up to more, and a frame beyond
    /// the limit would close the connection every group shares with that peer. Split by halves, encoding again: rare.
    /// A single message beyond the limit still goes alone (the receiver refuses it: a configuration error).
    /// </summary>
    public static byte[][] EncodeBatches(IReadOnlyList<GroupMessage> messages, PeerLimits limits)
    {
        var frame = messages.Count <= limits.MaxMessagesPerFrame ? EncodeBatch(messages) : null;
        if (frame is not null && (frame.Length - HeaderBytes <= limits.MaxFrameBytes || messages.Count == 1)) return [frame];
        var all = messages as GroupMessage[] ?? [.. messages];
        var half = all.Length / 2;
        return [.. EncodeBatches(all[..half], limits), .. EncodeBatches(all[half..], limits)];
    }

    public static byte[] EncodeBatch(IReadOnlyList<GroupMessage> messages, PeerFrameKind kind = PeerFrameKind.Batch)
    {
        var buffer = t_scratch ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        buffer.Advance(HeaderBytes); // the header, written once the payload's length is known
        var w = new WireWriter(buffer);
        w.VarUInt((ulong)messages.Count);
        foreach (var (group, message) in messages)
        {
            w.VarUInt(group);
            RaftMessageCodec.Encode(message, buffer);
        }
        var frame = buffer.WrittenSpan.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(frame.Length - HeaderBytes));
        frame[4] = (byte)kind;
        // A large frame's scratch (catch-up appends; a snapshot on the in-memory transport) is not kept: it would hold
        // that size for the life of the thread.
        if (buffer.Capacity > PeerRecord.MaxBytes) t_scratch = null;
        return frame;
    }

    /// <summary>
    /// A <see cref="PeerFrameKind.SnapshotBatch"/> of one snapshot message, in an array of the frame's size plus room
    /// for the channel's tag (<see cref="SealedInPlace"/>). A shard's snapshot is tens of megabytes: its bytes are
    /// copied once, into the frame, which is sent as it is, not copied again into a growing buffer.
    /// </summary>
    public static byte[] EncodeSnapshotBatch(GroupMessage item)
    {
        var data = (item.Message.Snapshot ?? throw new ArgumentException("a snapshot batch needs a snapshot message", nameof(item))).Data;
        return EncodeSnapshotBatch(item, data.Length, destination => data.Span.CopyTo(destination));
    }

    /// <summary>As <see cref="EncodeSnapshotBatch(GroupMessage)"/>, the snapshot's <paramref name="length"/> bytes written into the frame by <paramref name="fill"/>.</summary>
    public static byte[] EncodeSnapshotBatch(GroupMessage item, int length, SpanFill fill)
    {
        var head = new ArrayBufferWriter<byte>(256);
        head.Advance(HeaderBytes);
        var w = new WireWriter(head);
        w.VarUInt(1);
        w.VarUInt(item.GroupId);
        RaftMessageCodec.EncodeWithoutSnapshotBytes(item.Message, length, head);
        var payloadLength = head.WrittenCount - HeaderBytes + length;
        var frame = GC.AllocateUninitializedArray<byte>(HeaderBytes + payloadLength + PeerChannel.TagBytes);
        head.WrittenSpan.CopyTo(frame);
        fill(frame.AsSpan(head.WrittenCount, length));
        frame.AsSpan(HeaderBytes + payloadLength).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payloadLength);
        frame[4] = (byte)PeerFrameKind.SnapshotBatch;
        return frame;
    }

    /// <summary>
    /// The bytes to send for a frame of <see cref="EncodeSnapshotBatch(GroupMessage)"/>: as it is without a channel,
    /// else sealed in place, into the room for the tag after it.
    /// </summary>
    public static ReadOnlyMemory<byte> SealedInPlace(byte[] frame, PeerChannel? channel)
    {
        var length = HeaderBytes + (int)BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (channel is null) return frame.AsMemory(0, length);
        if (frame.Length < length + PeerChannel.TagBytes) throw new ArgumentException("the frame has no room for the tag after it", nameof(frame));
        channel.SealInPlace(frame.AsSpan(0, length + PeerChannel.TagBytes));
        return frame.AsMemory(0, length + PeerChannel.TagBytes);
    }

    public static List<GroupMessage> DecodeBatch(ReadOnlySpan<byte> payload, PeerLimits limits) => DecodeBatch(payload, limits, default);

    /// <summary>
    /// Decodes a batch whose snapshot bytes stay in <paramref name="payload"/> (no copy): the caller gives up the
    /// array to the messages.
    /// </summary>
    public static List<GroupMessage> DecodeBatch(ReadOnlyMemory<byte> payload, PeerLimits limits) => DecodeBatch(payload.Span, limits, payload);

    private static List<GroupMessage> DecodeBatch(ReadOnlySpan<byte> payload, PeerLimits limits, ReadOnlyMemory<byte> owner)
    {
        var r = new WireReader(payload);
        var count = r.Count(limits.MaxMessagesPerFrame, "message", 1 + RaftMessageCodec.MinEncodedBytes);
        var messages = new List<GroupMessage>(count);
        for (var i = 0; i < count; i++)
        {
            var group = r.VarUInt();
            messages.Add(new GroupMessage(group, RaftMessageCodec.Decode(ref r, limits, owner)));
        }
        r.ExpectEnd("the batch");
        return messages;
    }

    private static int Unknown(PeerFrameKind kind)
    {
        PeerProtocolException.Throw($"frame kind {(byte)kind} is unknown");
        return 0;
    }

    internal static byte[] Frame(PeerFrameKind kind, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        frame[4] = (byte)kind;
        payload.CopyTo(frame.AsSpan(HeaderBytes));
        return frame;
    }
}
