// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>
/// Recovers data folders committed under Fixtures/, each written by an earlier build of the WAL, so a change to a
/// record layout that would strand a node's data fails here rather than at an upgrade. wal-v1 holds: group 1 with a
/// no-op, a configuration change, a suffix overwritten in a later term, a snapshot of a joint configuration and a
/// compaction; group 2 spread over a sealed and an active segment; group 3 written and then dropped.
/// </summary>
public sealed class PreviousFormatTests : IDisposable
{
    private static readonly WalOptions Options = WalOptions.ForTests with { SegmentBytes = 8192, MaxRecordBytes = 2048, MaxSealedSegments = 100 };
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_data_folder_written_by_wal_format_1_recovers_entries_hard_state_snapshot_and_conf_state()
    {
        using var wal = WriteAheadLog.OpenDirectory(CopyFixture("wal-v1"), Options);

        Assert.Equal([1ul, 2ul], wal.Recovered.Keys.Order());
        var one = wal.Recovered[1];
        Assert.Equal(new HardState(2, 2, 12), one.HardState);
        Assert.Equal((4ul, 1ul), (one.CompactedIndex, one.CompactedTerm));
        Assert.Equal((6ul, 1ul), (one.Snapshot.Index, one.Snapshot.Term));
        var conf = one.Snapshot.ConfState;
        Assert.Equal([1ul, 2ul, 5ul], conf.Voters.ToArray());
        Assert.Equal([1ul, 2ul, 3ul], conf.VotersOutgoing.ToArray());
        Assert.Equal([7ul], conf.Learners.ToArray());
        Assert.Equal([3ul], conf.LearnersNext.ToArray());
        Assert.True(conf.AutoLeave);
        Assert.Equal(SnapshotData(3000, 1), ReadSnapshot(wal, 1, 6));

        Assert.Equal(Enumerable.Range(5, 10).Select(i => (ulong)i), Indexes(one));
        var change = ConfChangeCodec.Decode(one.Entries[0].Data.Span);
        Assert.Equal((EntryType.ConfChange, ConfChangeTransition.JointExplicit), (one.Entries[0].Type, change.Transition));
        Assert.Equal([new ConfChangeSingle(ConfChangeType.AddVoter, 5), new ConfChangeSingle(ConfChangeType.RemoveNode, 3)], change.Changes.ToArray());
        AssertEntries(Entries(6, 10, 1, 100, 1), one.Entries.Skip(1));
        AssertEntries(Entries(11, 14, 2, 300, 1), one.Entries.Skip(6));

        var two = wal.Recovered[2];
        Assert.Equal(new HardState(3, 3, 40), two.HardState);
        AssertEntries(Entries(1, 40, 3, 250, 2), two.Entries);
    }

    [Fact]
    public void A_recovered_previous_format_folder_takes_new_records_and_recovers_them_again()
    {
        var directory = CopyFixture("wal-v1");
        using (var wal = WriteAheadLog.OpenDirectory(directory, Options))
        {
            wal.StageEntries(2, Entries(41, 44, 4, 64, 2));
            wal.StageHardState(2, new HardState(4, 1, 44));
            wal.Sync();
        }

        using var reopened = WriteAheadLog.OpenDirectory(directory, Options);
        Assert.Equal(new HardState(4, 1, 44), reopened.Recovered[2].HardState);
        AssertEntries(Entries(1, 40, 3, 250, 2).Concat(Entries(41, 44, 4, 64, 2)), reopened.Recovered[2].Entries);
        Assert.Equal(14ul, reopened.Recovered[1].LastIndex);
    }

    private static void AssertEntries(IEnumerable<Entry> expected, IEnumerable<Entry> actual)
    {
        var want = expected.ToList();
        var got = actual.Take(want.Count).ToList();
        Assert.Equal(want.Count, got.Count);
        for (var i = 0; i < want.Count; i++)
        {
            Assert.Equal((want[i].Index, want[i].Term, want[i].Type), (got[i].Index, got[i].Term, got[i].Type));
            Assert.Equal(want[i].Data.ToArray(), got[i].Data.ToArray());
        }
    }

    private string CopyFixture(string name)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_temp.Path, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return _temp.Path;
    }
}
