// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;
using RaftCache.Node.Transport;
using RaftCache.StateMachine;

namespace RaftCache.Node.Requests;

/// <summary>What a forwarded request asks for. On the wire: values are explicit and only ever appended.</summary>
public enum ForwardOp : byte
{
    /// <summary>Propose this encoded command (its session inside) at the shard leader.</summary>
    Write = 1,

    /// <summary>Read this key from a replica of the shard at the given consistency.</summary>
    Read = 2,
}

/// <summary>A client request as one member hands it to another (<see cref="PeerFrameKind.Forward"/>).</summary>
public readonly record struct ForwardRequest(ulong RequestId, ForwardOp Op, ulong Group, ReadConsistency Consistency, byte[] Body);

/// <summary>
/// The payloads of <see cref="PeerFrameKind.Forward"/> and <see cref="PeerFrameKind.ForwardReply"/> frames (layout in
/// docs/peer-protocol.md, "Forwarded requests"). Encoding returns the written bytes without a final copy (the transport
/// copies them into its frame). Decoding validates every field and copies what it keeps, since the transport's
/// buffer is reused after delivery.
/// </summary>
public static class ForwardCodec
{
    /// <summary>Longest reason text a reply may carry.</summary>
    public const int MaxDetailBytes = 512;

    public static ReadOnlyMemory<byte> EncodeRequest(in ForwardRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(request.Body.Length + 32);
        EncodeRequest(request, buffer);
        return buffer.WrittenMemory;
    }

    public static void EncodeRequest(in ForwardRequest request, IBufferWriter<byte> buffer)
    {
        var w = new WireWriter(buffer);
        w.VarUInt(request.RequestId);
        w.Byte((byte)request.Op);
        w.VarUInt(request.Group);
        if (request.Op == ForwardOp.Read) w.Byte((byte)request.Consistency);
        w.Bytes(request.Body);
    }

    public static ForwardRequest DecodeRequest(ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        var id = r.VarUInt();
        var op = (ForwardOp)r.Byte();
        if (op is not (ForwardOp.Write or ForwardOp.Read)) PeerProtocolException.Throw($"forward operation {(byte)op} is unknown");
        var group = r.VarUInt();
        var consistency = ReadConsistency.Linearizable;
        if (op == ForwardOp.Read)
        {
            var level = r.Byte();
            if (level > (byte)ReadConsistency.Local) PeerProtocolException.Throw($"read consistency {level} is unknown");
            consistency = (ReadConsistency)level;
        }
        var body = r.Bytes().ToArray();
        r.ExpectEnd("the forwarded request");
        return new ForwardRequest(id, op, group, consistency, body);
    }

    public static ReadOnlyMemory<byte> EncodeWriteReply(ulong requestId, in WriteOutcome outcome)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = Header(buffer, requestId, ForwardOp.Write, (byte)outcome.Fate, outcome.LeaderHint, outcome.Detail);
        w.Byte((byte)outcome.Result.Status);
        w.VarUInt(outcome.Result.Version);
        w.VarUInt(ZigZag(outcome.Result.Count));
        w.Byte(outcome.Result.IsDuplicate ? (byte)1 : (byte)0);
        return buffer.WrittenMemory;
    }

    public static ReadOnlyMemory<byte> EncodeReadReply(ulong requestId, in ReadOutcome outcome)
    {
        var entry = outcome.Entry;
        var buffer = new ArrayBufferWriter<byte>(entry.Value.Length + entry.ContentType.Length + 64);
        var w = Header(buffer, requestId, ForwardOp.Read, (byte)outcome.Fate, outcome.LeaderHint, outcome.Detail);
        if (outcome.Fate != ReadFate.Found) return buffer.WrittenMemory;
        w.VarUInt(entry.Version);
        w.Byte(entry.ExpiresAtMs is null ? (byte)0 : (byte)1);
        if (entry.ExpiresAtMs is { } at) w.VarUInt(ZigZag(at));
        w.Bytes(entry.ContentType.Span);
        w.Bytes(entry.Value.Span);
        return buffer.WrittenMemory;
    }

    /// <summary>The request id and operation of a reply, leaving <paramref name="r"/> at its fate.</summary>
    public static (ulong RequestId, ForwardOp Op) ReadReplyHeader(ref WireReader r)
    {
        var id = r.VarUInt();
        var op = (ForwardOp)r.Byte();
        if (op is not (ForwardOp.Write or ForwardOp.Read)) PeerProtocolException.Throw($"forward operation {(byte)op} is unknown");
        return (id, op);
    }

    public static WriteOutcome DecodeWriteReply(ref WireReader r)
    {
        var fate = (WriteFate)r.Byte();
        if (fate is < WriteFate.Applied or > WriteFate.RouteAgain) PeerProtocolException.Throw($"write fate {(byte)fate} is unknown");
        var (hint, detail) = HintAndDetail(ref r);
        var status = (ApplyStatus)r.Byte();
        if (!Enum.IsDefined(status) && status != 0) PeerProtocolException.Throw($"apply status {(byte)status} is unknown");
        var version = r.VarUInt();
        var count = UnZigZag(r.VarUInt());
        var duplicate = r.Boolean();
        r.ExpectEnd("the write reply");
        return new WriteOutcome(fate, new ApplyResult(status, version, count, duplicate), detail) { LeaderHint = hint, Forwarded = true };
    }

    public static ReadOutcome DecodeReadReply(ref WireReader r)
    {
        var fate = (ReadFate)r.Byte();
        if (fate is < ReadFate.Found or > ReadFate.RouteAgain) PeerProtocolException.Throw($"read fate {(byte)fate} is unknown");
        var (hint, detail) = HintAndDetail(ref r);
        var entry = default(StoredValue);
        if (fate == ReadFate.Found)
        {
            var version = r.VarUInt();
            long? expires = r.Boolean() ? UnZigZag(r.VarUInt()) : null;
            var contentType = r.Bytes().ToArray();
            var value = r.Bytes().ToArray();
            entry = new StoredValue(value, contentType, version, expires);
        }
        r.ExpectEnd("the read reply");
        return new ReadOutcome(fate, entry, detail) { LeaderHint = hint, Forwarded = true };
    }

    private static WireWriter Header(ArrayBufferWriter<byte> buffer, ulong requestId, ForwardOp op, byte fate, ulong hint, string? detail)
    {
        var w = new WireWriter(buffer);
        w.VarUInt(requestId);
        w.Byte((byte)op);
        w.Byte(fate);
        w.VarUInt(hint);
        var text = Encoding.UTF8.GetBytes(detail ?? "");
        w.Bytes(text.AsSpan(0, Math.Min(text.Length, MaxDetailBytes)));
        return w;
    }

    private static (ulong Hint, string? Detail) HintAndDetail(ref WireReader r)
    {
        var hint = r.VarUInt();
        var text = r.Bytes();
        if (text.Length > MaxDetailBytes) PeerProtocolException.Throw($"reply detail of {text.Length} bytes exceeds the limit of {MaxDetailBytes}");
        return (hint, text.Length == 0 ? null : Encoding.UTF8.GetString(text));
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
