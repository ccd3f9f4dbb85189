// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Paper;

/// <summary>Raft §7 (log compaction) and pitfall 11 (snapshot installation).</summary>
public sealed class SnapshotTests
{
    private static Message SnapshotMessage(ulong index, ulong term, params ulong[] voters) => new()
    {
        Type = MessageType.Snapshot, From = 1, To = 2, Term = 2, Session = 1,
        Snapshot = new Snapshot(new SnapshotMetadata(index, term, new ConfState { Voters = [.. voters] }), new byte[] { 1 }),
    };

    // Pitfall 11: a snapshot whose (index, term) matches a local entry keeps the suffix after it.
    [Fact]
    public void A_snapshot_matching_a_local_entry_keeps_the_log_and_only_moves_commit()
    {
        var env = Clusters.Elected(3);
        for (var i = 0; i < 3; i++) env[1].Raw.Propose(Clusters.Bytes($"e{i}"));
        env.Isolate(1);
        env.Stabilize();
        env.Heal();

        // 2 holds entries up to 5 but commit only 2; a snapshot at 4 (term 2) matches entry 4.
        env.Messages.Clear();
        env[2].Raw.Step(new Message { Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 2, Session = 1,
            Entries = [new Entry(3, 2, EntryType.Normal, Clusters.Bytes("e0")), new Entry(4, 2, EntryType.Normal, Clusters.Bytes("e1")), new Entry(5, 2, EntryType.Normal, Clusters.Bytes("e2"))] });
        env.ProcessReady(2);
        env.Messages.Clear();
        env[2].Raw.Step(SnapshotMessage(4, 2, 1, 2, 3));
        var rd = env.Take(2);
        Assert.Null(rd.Snapshot);
        Assert.Equal(4UL, env.Status(2).HardState.Commit);
        Assert.Equal(5UL, env.Status(2).LastIndex);
        Assert.Equal(4UL, rd.MessagesAfterPersist.Single().Index);
    }

    // Pitfall 11: otherwise the whole log is replaced, and the configuration comes from the snapshot.
    [Fact]
    public void A_snapshot_that_does_not_match_replaces_the_log_and_the_configuration()
    {
        var env = Clusters.Elected(3);
        env[2].Raw.Step(SnapshotMessage(10, 2, 1, 2, 3, 4));
        var rd = env.Take(2);
        Assert.Equal(10UL, rd.Snapshot!.Metadata.Index);
        Assert.Empty(rd.CommittedEntries);
        Assert.True(rd.MustSync);
        Assert.Equal(10UL, rd.HardState!.Value.Commit);
        Assert.Equal([1UL, 2, 3, 4], env.Status(2).ConfState.Voters.ToArray());
        env[2].Log.ApplySnapshot(rd.Snapshot);
        env[2].Raw.Advance(rd);
        Assert.Equal(10UL, env.Status(2).Applied);
        Assert.Equal(10UL, env.Status(2).LastIndex);
    }

    // Pitfall 11: a snapshot at or below the commit index is stale and ignored.
    [Fact]
    public void A_snapshot_at_or_below_the_commit_index_is_ignored()
    {
        var env = Clusters.Elected(3);
        env[2].Raw.Step(SnapshotMessage(2, 2, 1, 2, 3));
        var rd = env.Take(2);
        Assert.Null(rd.Snapshot);
        Assert.Equal(2UL, rd.MessagesAfterPersist.Single().Index);
    }

    // A snapshot that does not list the recipient is refused (defence in depth).
    [Fact]
    public void A_snapshot_for_a_configuration_without_the_recipient_is_ignored()
    {
        var env = Clusters.Elected(3);
        env[2].Raw.Step(SnapshotMessage(10, 2, 1, 3, 4));
        Assert.Null(env.Take(2).Snapshot);
        Assert.Equal(2UL, env.Status(2).HardState.Commit);
    }

    // Raft §7: a follower behind the leader's compaction point gets a snapshot, then entries.
    [Fact]
    public void A_lagging_follower_catches_up_through_a_snapshot()
    {
        var env = Clusters.Elected(3);
        env.Isolate(3);
        for (var i = 0; i < 5; i++) env[1].Raw.Propose(Clusters.Bytes($"e{i}"));
        env.Stabilize();
        var applied = env.Status(1).Applied;
        env[1].Log.CreateSnapshot(applied, env.Status(1).ConfState, Clusters.Bytes("state"));
        env[1].Log.Compact(applied);
        env.Heal();
        env.Tick(1, 1);
        env.Stabilize();
        Assert.Equal(applied, env[3].Log.FirstIndex - 1);
        Assert.Equal(env.Status(1).LastIndex, env.Status(3).LastIndex);
        Assert.Equal(ProgressState.Replicate, env.Status(1).Progress[3].State);
    }
}
