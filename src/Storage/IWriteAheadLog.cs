// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Storage;

/// <summary>
/// A node's durable Raft storage: one write-ahead log shared by every group on the node, plus the groups'
/// snapshot files. Usage per host-loop iteration (group commit): stage every group's Ready (snapshot, entries,
/// hard state), call <see cref="Sync"/> once, then release what waited for durability. A <c>Stage…</c> call
/// returns the sync sequence that will cover it; it is durable once <see cref="DurableSequence"/> reaches it.
/// Staged records are visible at once through <see cref="GetGroup"/>, but survive a crash only once synced.
/// Thread-safe: staging may run while another thread is inside <see cref="Sync"/> (it goes into the next batch).
/// Every I/O failure throws <see cref="StorageFailedException"/> and leaves the object refusing all further calls
/// (fail-stop); the node must exit and recover from disk.
/// </summary>
public interface IWriteAheadLog : IDisposable
{
    /// <summary>Every group's state as recovered when the log was opened (fresh nodes: empty).</summary>
    IReadOnlyDictionary<ulong, GroupState> Recovered { get; }

    /// <summary>The highest sync sequence known durable; every Stage call returning ≤ this survives a crash.</summary>
    ulong DurableSequence { get; }

    /// <summary>
    /// Appends entries to <paramref name="groupId"/>'s log, first replacing everything from <c>entries[0].Index</c>
    /// on (Raft suffix overwrite). Entries must be consecutive, start within or right after the log, after the
    /// snapshot, and not truncate committed entries.
    /// </summary>
    ulong StageEntries(ulong groupId, IReadOnlyList<Entry> entries);

    ulong StageHardState(ulong groupId, HardState hardState);

    /// <summary>
    /// Records that a snapshot at <c>metadata</c> is durable (taken locally or installed from the leader; its
    /// data must already be written with <see cref="WriteSnapshot(ulong, SnapshotMetadata, Action{Stream})"/>). If the log does not contain
    /// (Index, Term) it is discarded and restarts after the snapshot (pitfall 11); otherwise entries are kept
    /// until <see cref="StageCompact"/>. Older snapshot files are deleted only after this record is synced.
    /// </summary>
    ulong StageSnapshot(ulong groupId, SnapshotMetadata metadata);

    /// <summary>Discards entries up to <paramref name="index"/>, which must not pass the durable snapshot.</summary>
    ulong StageCompact(ulong groupId, ulong index);

    /// <summary>
    /// Deletes the node's replica of <paramref name="groupId"/> (it moved to another node): staged like the other
    /// records and durable at the next <see cref="Sync"/>. At once <see cref="GetGroup"/> returns null; once
    /// durable, recovery no longer shows the group, its records stop pinning old segments, and its snapshot
    /// files are deleted (after the sync; recovery deletes any a crash left behind). Records staged for the same
    /// id afterwards begin a new, empty incarnation of the group; recovery never mixes in the old one's state,
    /// and the new one's snapshots may have lower indexes than the old one's. Dropping an unknown group is
    /// harmless (the record is still written). Do not write or stage the old incarnation's snapshot concurrently.
    /// </summary>
    ulong StageDropGroup(ulong groupId);

    /// <summary>Every group's tombstone on this node: recovered when the log was opened, plus those written since.</summary>
    IReadOnlyDictionary<ulong, GroupTombstone> Tombstones { get; }

    /// <summary>
    /// Records, durably before returning, what a replica about to be dropped leaves behind (merged with an earlier
    /// tombstone of the group: the later term, the longer log). Call before <see cref="StageDropGroup"/>.
    /// </summary>
    void WriteTombstone(ulong groupId, GroupTombstone tombstone);

    /// <summary>
    /// Writes everything staged, across all groups, with one write and one fsync (more only when a segment
    /// fills up), then returns the sequence now durable. Returns at once when nothing is staged.
    /// </summary>
    ulong Sync();

    /// <summary>The group's current state including staged records; null if the log has never seen the group.</summary>
    GroupState? GetGroup(ulong groupId);

    /// <summary>
    /// Writes snapshot data durably (temporary file, fsync, rename, directory fsync) before the caller stages its
    /// <see cref="StageSnapshot"/>. Streams <paramref name="data"/>; large snapshots never sit in memory whole.
    /// </summary>
    void WriteSnapshot(ulong groupId, SnapshotMetadata metadata, Stream data);

    /// <summary>
    /// Like <see cref="WriteSnapshot(ulong, SnapshotMetadata, Stream)"/>, but <paramref name="write"/> pushes the data into
    /// the file as it serialises it, so a state captured as a point-in-time view goes to disk without ever being whole in
    /// memory. Returns the data bytes written (before encryption).
    /// </summary>
    long WriteSnapshot(ulong groupId, SnapshotMetadata metadata, Action<Stream> write);

    /// <summary>Opens the data of the group's snapshot at <paramref name="index"/>; the stream throws <see cref="StorageCorruptionException"/> at its end if the checksum fails.</summary>
    Stream OpenSnapshot(ulong groupId, ulong index);
}
