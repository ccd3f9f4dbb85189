// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Components;

public sealed class MemoryRaftLogTests
{
    private static Entry E(ulong index, ulong term) => new(index, term, EntryType.Normal, new byte[] { 1, 2 });

    [Fact]
    public void Append_overwrites_a_conflicting_suffix_and_ignores_compacted_entries()
    {
        var log = new MemoryRaftLog();
        log.Append([E(1, 1), E(2, 1), E(3, 1)]);
        log.Append([E(2, 2)]);
        Assert.Equal(2UL, log.LastIndex);
        Assert.True(log.TryGetTerm(2, out var t) && t == 2);
        Assert.Throws<InvalidOperationException>(() => log.Append([E(9, 2)]));
        log.CreateSnapshot(2, new ConfState { Voters = [1] }, new byte[] { 7 });
        log.Compact(2);
        log.Append([E(1, 1), E(2, 2), E(3, 2)]);
        Assert.Equal(3UL, log.FirstIndex);
        Assert.Equal(3UL, log.LastIndex);
    }

    [Fact]
    public void Compaction_keeps_the_term_of_the_compaction_point_and_refuses_reads_below_it()
    {
        var log = new MemoryRaftLog();
        log.Append([E(1, 1), E(2, 1), E(3, 2), E(4, 2)]);
        log.CreateSnapshot(3, new ConfState { Voters = [1, 2, 3] }, Array.Empty<byte>());
        log.Compact(3);
        Assert.Equal(4UL, log.FirstIndex);
        Assert.True(log.TryGetTerm(3, out var t) && t == 2);
        Assert.False(log.TryGetTerm(2, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Entries(3, 5, long.MaxValue));
        Assert.Equal([1UL, 2, 3], log.InitialState().ConfState.Voters.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Compact(9));
    }

    [Fact]
    public void Applying_a_snapshot_replaces_the_log_and_the_membership()
    {
        var log = new MemoryRaftLog();
        log.Append([E(1, 1), E(2, 1)]);
        var snapshot = new Snapshot(new SnapshotMetadata(10, 3, new ConfState { Voters = [1, 2] }), new byte[] { 1 });
        log.ApplySnapshot(snapshot);
        Assert.Equal(11UL, log.FirstIndex);
        Assert.Equal(10UL, log.LastIndex);
        Assert.Same(snapshot, log.Snapshot());
        Assert.Throws<InvalidOperationException>(() => log.ApplySnapshot(snapshot));
    }

    [Fact]
    public void The_tail_start_keeps_at_most_the_given_bytes_behind_an_index_and_never_passes_the_compaction_point()
    {
        var log = new MemoryRaftLog();
        log.Append([E(1, 1), E(2, 1), E(3, 1), E(4, 1), E(5, 1)]);
        var size = E(1, 1).SizeBytes;
        Assert.Equal(5UL, log.TailStart(5, 0));
        Assert.Equal(5UL, log.TailStart(5, size - 1));
        Assert.Equal(3UL, log.TailStart(5, 2 * size));
        Assert.Equal(3UL, log.TailStart(5, 3 * size - 1));
        Assert.Equal(2UL, log.TailStart(4, 2 * size));
        Assert.Equal(0UL, log.TailStart(5, long.MaxValue));
        log.CreateSnapshot(2, new ConfState { Voters = [1] }, Array.Empty<byte>());
        log.Compact(2);
        Assert.Equal(2UL, log.TailStart(5, long.MaxValue));
        Assert.Equal(2UL, log.TailStart(2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.TailStart(6, 0));
    }

    [Fact]
    public void Entries_stop_at_the_byte_limit_but_return_at_least_one()
    {
        var log = new MemoryRaftLog();
        log.Append([E(1, 1), E(2, 1), E(3, 1)]);
        Assert.Single(log.Entries(1, 4, 1));
        Assert.Equal(2, log.Entries(1, 4, 2 * E(1, 1).SizeBytes).Count);
    }
}
