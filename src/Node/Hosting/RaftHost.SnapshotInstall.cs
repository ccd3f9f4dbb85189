// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Installing a snapshot received from a leader without stalling the node's other groups. Its data file is written
/// and fsynced, and its state decoded, on <see cref="SnapshotExecutor"/>: for a shard of tens of megabytes that is
/// seconds on a busy machine, during which the loop would otherwise neither step, send nor receive for any group
/// (and every shard this node leads would stop committing). Only then does its WAL record join a sync batch like any
/// Ready's; once that batch is durable the decoded state is swapped in on the loop (<see cref="InstallSnapshot"/>).
/// The group's Ready counts as in flight throughout, so the core hands out nothing newer for it meanwhile.
/// </summary>
public sealed partial class RaftHost
{
    private void WriteReceivedSnapshot(GroupReplica replica, Ready ready)
    {
        var snapshot = ready.Snapshot!;
        // Already this replica's snapshot as far as local snapshots go: one finishing meanwhile is older.
        replica.SnapshotIndex = snapshot.Metadata.Index;
        var groupId = replica.GroupId;
        SnapshotExecutor(() =>
        {
            Action restore;
            try
            {
                // The data file is durable before the WAL record that points at it. Written from the received bytes
                // as they are: a copy would be one more array of the snapshot's whole size.
                _wal.WriteSnapshot(groupId, snapshot.Metadata, file => file.Write(snapshot.Data.Span));
                restore = replica.StateMachine.PrepareRestore(snapshot.Data);
            }
            catch (Exception e)
            {
                // Fail-stop, as for a failed WAL write: the loop throws, which stops the node.
                Post(() => throw new InvalidOperationException($"installing the snapshot of group {groupId} at {snapshot.Metadata.Index} failed", e));
                return;
            }
            Post(() => OnReceivedSnapshotWritten(replica, ready, restore));
        });
    }

    /// <summary>On the loop: the snapshot's file is durable and its state decoded; its records join the next sync.</summary>
    private void OnReceivedSnapshotWritten(GroupReplica replica, Ready ready, Action restore)
    {
        // Placement deletes no replica with a Ready in flight (CacheNode.MayDelete); should one go anyway, its
        // snapshot goes with it.
        if (!_groups.TryGetValue(replica.GroupId, out var current) || !ReferenceEquals(current, replica)) return;
        replica.PreparedRestore = restore;
        Stage(replica, ready); // a snapshot record at least: never nothing to persist
        _awaitingSync.Add((replica, ready));
        StartSyncIfDue();
    }
}
