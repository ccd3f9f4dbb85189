// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using RaftCache.Codec;

namespace RaftCache.Raft.Tests.Components;

/// <summary>The one layout of entry runs and snapshot metadata that the WAL and the peer transport share.</summary>
public sealed class EntryCodecTests
{
    private static byte[] Write(IReadOnlyList<Entry> entries, int start, int count)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new ByteWriter(buffer);
        EntryCodec.Write(ref w, entries, start, count);
        return buffer.WrittenSpan.ToArray();
    }

    private static readonly Entry[] Run =
    [
        new(41, 3, EntryType.NoOp, ReadOnlyMemory<byte>.Empty),
        new(42, 3, EntryType.Normal, new byte[] { 1, 2, 3 }),
        new(43, 4, EntryType.ConfChange, new byte[] { 9 }),
    ];

    [Fact]
    public void A_slice_of_a_run_round_trips_and_its_size_is_known_before_encoding()
    {
        var bytes = Write(Run, 1, 2);
        var r = new ByteReader<FormatErrors>(bytes);
        var read = EntryCodec.Read(ref r, 10);

        Assert.Equal(EntryCodec.Bytes(Run, 1, 2), bytes.Length);
        Assert.Equal(0, r.Remaining);
        Assert.Equal(Run[1..].Select(e => (e.Index, e.Term, e.Type)), read.Select(e => (e.Index, e.Term, e.Type)));
        Assert.Equal(Run[1..].Select(e => e.Data.ToArray()), read.Select(e => e.Data.ToArray()));
    }

    [Fact]
    public void Every_entry_gets_an_array_of_its_own_that_outlives_the_buffer_it_was_read_from()
    {
        var bytes = Write(Run, 0, 3);
        var r = new ByteReader<FormatErrors>(bytes);
        var read = EntryCodec.Read(ref r, 10);

        Array.Fill(bytes, (byte)0xEE); // what a pooled receive buffer's next user does
        Assert.Equal([9], read[2].Data.ToArray());
        Assert.Equal([1, 2, 3], read[1].Data.ToArray());
        foreach (var entry in read.Where(e => !e.Data.IsEmpty))
        {
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(entry.Data, out var segment));
            Assert.Equal((0, entry.Data.Length), (segment.Offset, segment.Array!.Length));
        }
    }

    [Theory]
    [InlineData(0, 0, "entry count 0")]
    [InlineData(5, 4, "exceeds the limit of 4")]
    [InlineData(3, 10, "needs more than")]
    public void Counts_that_are_zero_over_the_limit_or_beyond_the_bytes_are_refused_before_allocating(uint count, int max, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new ByteWriter(buffer);
        w.UInt64(1);
        w.UInt32(count);

        var error = Assert.Throws<FormatException>(() =>
        {
            var r = new ByteReader<FormatErrors>(buffer.WrittenSpan);
            EntryCodec.Read(ref r, max);
        });
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_entry_type_is_refused()
    {
        var bytes = Write(Run, 1, 1);
        bytes[EntryCodec.RunHeaderBytes + 8] = 7;

        var error = Assert.Throws<FormatException>(() =>
        {
            var r = new ByteReader<FormatErrors>(bytes);
            EntryCodec.Read(ref r, 10);
        });
        Assert.Contains("entry type 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_metadata_of_a_joint_configuration_round_trips_and_lists_over_the_limit_are_refused()
    {
        var metadata = new SnapshotMetadata(300, 7, new ConfState { Voters = [1, 2, 5], VotersOutgoing = [1, 2, 3], Learners = [8], LearnersNext = [3], AutoLeave = true });
        var buffer = new ArrayBufferWriter<byte>();
        var w = new ByteWriter(buffer);
        SnapshotMetadataCodec.Write(ref w, metadata);

        Assert.Equal(SnapshotMetadataCodec.Bytes(metadata), buffer.WrittenCount);
        var r = new ByteReader<FormatErrors>(buffer.WrittenSpan);
        Assert.Equal(metadata, SnapshotMetadataCodec.Read(ref r, 3));
        var error = Assert.Throws<FormatException>(() =>
        {
            var tight = new ByteReader<FormatErrors>(buffer.WrittenSpan);
            SnapshotMetadataCodec.Read(ref tight, 2);
        });
        Assert.Contains("exceeds the limit of 2", error.Message, StringComparison.Ordinal);
    }
}
