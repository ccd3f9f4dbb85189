// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Tests.Transport;

/// <summary>
/// A snapshot frame is built once at its final size and sealed where it lies, and on the receiving side its bytes stay
/// in the array they were read into. Each test checks that the shortcut gives exactly the bytes, or the message, of
/// the general path, so the wire format does not depend on which path built a frame.
/// </summary>
public sealed class SnapshotFrameTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private static GroupMessage SnapshotMessage(int bytes) => new(9, SampleMessages.Full(1, 2) with
    {
        Type = MessageType.Snapshot,
        Entries = [],
        Snapshot = new Snapshot(new SnapshotMetadata(100, 4, new ConfState { Voters = [1, 2, 3] }), Enumerable.Range(0, bytes).Select(i => (byte)(i * 31)).ToArray()),
    });

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    public void A_snapshot_frame_is_the_general_batch_encoding_with_room_for_the_tag(int bytes)
    {
        var item = SnapshotMessage(bytes);

        var frame = PeerFrame.EncodeSnapshotBatch(item);

        var general = PeerFrame.EncodeBatch([item], PeerFrameKind.SnapshotBatch);
        Assert.Equal(general.Length + PeerChannel.TagBytes, frame.Length);
        Assert.Equal(general, frame[..general.Length]);
        Assert.Equal(general, PeerFrame.SealedInPlace(frame, channel: null).ToArray());
    }

    [Fact]
    public void A_snapshot_frame_filled_from_a_file_equals_one_built_from_the_bytes()
    {
        // The host hands the transport the message without its bytes and a reader of the file: the frame must be the
        // one the bytes themselves give, so the receiver cannot tell the two apart.
        var item = SnapshotMessage(40_000);
        var bytes = item.Message.Snapshot!.Data.ToArray();
        var empty = item with { Message = item.Message with { Snapshot = item.Message.Snapshot with { Data = ReadOnlyMemory<byte>.Empty } } };
        using var file = new MemoryStream(bytes);

        var frame = PeerFrame.EncodeSnapshotBatch(empty, bytes.Length, destination => file.ReadExactly(destination));

        Assert.Equal(PeerFrame.EncodeSnapshotBatch(item), frame);
    }

    [Fact]
    public void Sealing_in_place_gives_the_bytes_of_sealing_into_a_buffer_and_opens_to_the_payload()
    {
        // Two channels on one key and sequence: the in-place seal must equal the buffered seal byte for byte (same
        // nonce, same header as associated data), and a receiver must open it.
        using var buffered = new PeerChannel(Key);
        using var inPlace = new PeerChannel(Key);
        using var receiver = new PeerChannel(Key);
        var item = SnapshotMessage(70_000);
        var general = PeerFrame.EncodeBatch([item], PeerFrameKind.SnapshotBatch);
        var output = new ArrayBufferWriter<byte>();
        buffered.Seal(general, output);

        var wire = PeerFrame.SealedInPlace(PeerFrame.EncodeSnapshotBatch(item), inPlace).ToArray();

        Assert.Equal(output.WrittenSpan.ToArray(), wire);
        var plaintext = new byte[wire.Length];
        var length = receiver.Open(wire.AsSpan(0, PeerFrame.HeaderBytes), wire.AsSpan(PeerFrame.HeaderBytes), plaintext);
        Assert.Equal(general[PeerFrame.HeaderBytes..], plaintext[..length]);
    }

    [Fact]
    public void A_frame_without_room_for_the_tag_is_refused_rather_than_sealed_over_its_end()
    {
        using var channel = new PeerChannel(Key);
        var general = PeerFrame.EncodeBatch([SnapshotMessage(1_000)], PeerFrameKind.SnapshotBatch);
        var copy = general.ToArray();

        Assert.Throws<ArgumentException>(() => PeerFrame.SealedInPlace(copy, channel));
        Assert.Equal(general, copy); // the frame itself left as it was
        Assert.Equal(0UL, channel.Frames); // and no nonce spent
    }

    [Fact]
    public void A_decoded_snapshot_keeps_its_bytes_in_the_received_array()
    {
        var item = SnapshotMessage(50_000);
        var frame = PeerFrame.EncodeBatch([item], PeerFrameKind.SnapshotBatch);
        var payload = frame[PeerFrame.HeaderBytes..];

        var decoded = PeerFrame.DecodeBatch(payload.AsMemory(), new PeerLimits()).Single();

        var data = decoded.Message.Snapshot!.Data;
        Assert.True(MemoryMarshal.TryGetArray(data, out var segment));
        Assert.Same(payload, segment.Array);
        Assert.Equal(item.Message.Snapshot!.Data.ToArray(), data.ToArray());
        SampleMessages.AssertSame(item.Message, decoded.Message);
        // The span overload still copies: its caller's buffer is pooled and reused.
        var copied = PeerFrame.DecodeBatch(payload.AsSpan(), new PeerLimits()).Single().Message.Snapshot!.Data;
        Assert.True(MemoryMarshal.TryGetArray(copied, out var own));
        Assert.NotSame(payload, own.Array);
    }
}
