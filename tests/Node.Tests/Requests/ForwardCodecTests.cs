// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Requests;
using RaftCache.Node.Transport;
using RaftCache.StateMachine;
using WireReader = RaftCache.Codec.ByteReader<RaftCache.Node.Transport.PeerProtocolException>;

namespace RaftCache.Node.Tests.Requests;

public sealed class ForwardCodecTests
{
    [Fact]
    public void A_forwarded_write_and_read_decode_to_what_was_encoded()
    {
        var write = new ForwardRequest(0xFFFF_FFFF_0000_0001, ForwardOp.Write, 12, ReadConsistency.Linearizable, [1, 2, 3]);
        var read = new ForwardRequest(5, ForwardOp.Read, 3, ReadConsistency.Local, "key"u8.ToArray());

        var decodedWrite = ForwardCodec.DecodeRequest(ForwardCodec.EncodeRequest(write).Span);
        var decodedRead = ForwardCodec.DecodeRequest(ForwardCodec.EncodeRequest(read).Span);

        Assert.Equal((write.RequestId, write.Op, write.Group), (decodedWrite.RequestId, decodedWrite.Op, decodedWrite.Group));
        Assert.Equal(write.Body, decodedWrite.Body);
        Assert.Equal((ForwardOp.Read, ReadConsistency.Local), (decodedRead.Op, decodedRead.Consistency));
        Assert.Equal("key"u8.ToArray(), decodedRead.Body);
    }

    [Theory]
    [InlineData(WriteFate.Applied, ApplyStatus.Applied, 42UL, -7L)]
    [InlineData(WriteFate.Applied, ApplyStatus.PreconditionFailed, 9UL, 0L)]
    [InlineData(WriteFate.MayHaveApplied, (ApplyStatus)0, 0UL, 0L)]
    [InlineData(WriteFate.RouteAgain, (ApplyStatus)0, 0UL, 0L)]
    public void Every_write_fate_travels_with_its_result_hint_and_detail(WriteFate fate, ApplyStatus status, ulong version, long count)
    {
        var outcome = new WriteOutcome(fate, new ApplyResult(status, version, count, IsDuplicate: true), fate == WriteFate.Applied ? null : "why") { LeaderHint = 3 };

        var r = new WireReader(ForwardCodec.EncodeWriteReply(77, outcome).Span);
        var (id, op) = ForwardCodec.ReadReplyHeader(ref r);
        var decoded = ForwardCodec.DecodeWriteReply(ref r);

        Assert.Equal((77UL, ForwardOp.Write), (id, op));
        Assert.Equal(outcome.Fate, decoded.Fate);
        Assert.Equal(outcome.Result, decoded.Result);
        Assert.Equal(outcome.Detail, decoded.Detail);
        Assert.Equal(3UL, decoded.LeaderHint);
        Assert.True(decoded.Forwarded);
    }

    [Fact]
    public void A_found_value_travels_with_its_content_type_version_and_expiry()
    {
        var entry = new StoredValue(new byte[] { 0, 255, 7 }, "text/plain"u8.ToArray(), 1234, 1_700_000_000_000);

        var found = RoundTrip(ReadOutcome.Found(entry));
        var forever = RoundTrip(ReadOutcome.Found(entry with { ExpiresAtMs = null }));
        var missing = RoundTrip(ReadOutcome.NotFound);

        Assert.Equal(ReadFate.Found, found.Fate);
        Assert.Equal(entry.Value.ToArray(), found.Entry.Value.ToArray());
        Assert.Equal(entry.ContentType.ToArray(), found.Entry.ContentType.ToArray());
        Assert.Equal((1234UL, (long?)1_700_000_000_000), (found.Entry.Version, found.Entry.ExpiresAtMs));
        Assert.Null(forever.Entry.ExpiresAtMs);
        Assert.Equal(ReadFate.NotFound, missing.Fate);
    }

    [Fact]
    public void Malformed_payloads_are_refused_as_protocol_errors()
    {
        var request = ForwardCodec.EncodeRequest(new ForwardRequest(1, ForwardOp.Write, 1, ReadConsistency.Linearizable, [9])).ToArray();
        var unknownOp = (byte[])request.Clone();
        unknownOp[1] = 9;
        var trailing = request.Concat(new byte[] { 0 }).ToArray();
        var reply = ForwardCodec.EncodeWriteReply(1, WriteOutcome.NotApplied("no")).ToArray();
        var unknownFate = (byte[])reply.Clone();
        unknownFate[2] = 0;

        Assert.Throws<PeerProtocolException>(() => ForwardCodec.DecodeRequest(unknownOp));
        Assert.Throws<PeerProtocolException>(() => ForwardCodec.DecodeRequest(trailing));
        Assert.Throws<PeerProtocolException>(() => ForwardCodec.DecodeRequest(request.AsSpan(0, request.Length - 1)));
        Assert.Throws<PeerProtocolException>(() =>
        {
            var r = new WireReader(unknownFate);
            ForwardCodec.ReadReplyHeader(ref r);
            ForwardCodec.DecodeWriteReply(ref r);
        });
    }

    private static ReadOutcome RoundTrip(ReadOutcome outcome)
    {
        var r = new WireReader(ForwardCodec.EncodeReadReply(5, outcome).Span);
        var (_, op) = ForwardCodec.ReadReplyHeader(ref r);
        Assert.Equal(ForwardOp.Read, op);
        return ForwardCodec.DecodeReadReply(ref r);
    }
}
