// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Sees each stage of the host's Ready contract as it happens, on the loop, and must not change anything. The
/// seeded simulation checks Raft's invariants through it while it drives this very host; a node without an
/// observer skips every call.
/// </summary>
internal interface IHostObserver
{
    /// <summary>A Ready was taken from the core; nothing of it was sent, written or applied yet.</summary>
    void ReadyTaken(GroupReplica replica, Ready ready);

    /// <summary>The Ready's snapshot, entries and hard state are durable and in the log view.</summary>
    void Persisted(GroupReplica replica, Ready ready);

    /// <summary>A committed entry is about to be applied (entries a restored snapshot covers are not).</summary>
    void Applying(GroupReplica replica, Entry entry);

    /// <summary>A committed entry was applied; <paramref name="result"/> is the state machine's answer.</summary>
    void Applied(GroupReplica replica, Entry entry, CommandResult result);

    /// <summary>The core was told the Ready is done.</summary>
    void Advanced(GroupReplica replica);

    /// <summary>A leader's snapshot replaced the state machine.</summary>
    void SnapshotInstalled(GroupReplica replica, Snapshot snapshot);

    /// <summary>A snapshot this node took is durable and compacts the log.</summary>
    void SnapshotTaken(GroupReplica replica, SnapshotMetadata metadata, byte[] data);
}
