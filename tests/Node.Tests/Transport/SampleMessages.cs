// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Tests.Transport;

internal static class SampleMessages
{
    /// <summary>A message with every field set to a distinct value, entries of every type and a snapshot.</summary>
    public static Message Full(ulong from, ulong to) => new()
    {
        Type = MessageType.Append,
        From = from,
        To = to,
        Term = 7,
        LogTerm = 6,
        Index = 300,
        Commit = 299,
        Reject = true,
        RejectHint = 250,
        Context = ulong.MaxValue,
        Session = 12,
        Entries =
        [
            new Entry(301, 7, EntryType.Normal, new byte[] { 1, 2, 3 }),
            new Entry(302, 7, EntryType.NoOp, ReadOnlyMemory<byte>.Empty),
            new Entry(303, 7, EntryType.ConfChange, new byte[1000]),
        ],
        Snapshot = new Snapshot(
            new SnapshotMetadata(200, 5, new ConfState
            {
                Voters = [1, 2, 3],
                VotersOutgoing = [1, 2, 4],
                Learners = [9],
                LearnersNext = [4],
                AutoLeave = true,
            }),
            new byte[] { 9, 8, 7 }),
    };

    public static void AssertSame(Message expected, Message actual)
    {
        Assert.Equal(expected with { Entries = [], Snapshot = null }, actual with { Entries = [], Snapshot = null });
        Assert.Equal(expected.Entries.Count, actual.Entries.Count);
        for (var i = 0; i < expected.Entries.Count; i++)
        {
            Assert.Equal((expected.Entries[i].Index, expected.Entries[i].Term, expected.Entries[i].Type), (actual.Entries[i].Index, actual.Entries[i].Term, actual.Entries[i].Type));
            Assert.True(expected.Entries[i].Data.Span.SequenceEqual(actual.Entries[i].Data.Span));
        }
        Assert.Equal(expected.Snapshot?.Metadata, actual.Snapshot?.Metadata);
        Assert.True((expected.Snapshot?.Data ?? default).Span.SequenceEqual((actual.Snapshot?.Data ?? default).Span));
    }
}
