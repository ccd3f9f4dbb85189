// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    // Guards the snapshot files' fate against a re-created group: WriteSnapshot's rename, the deletions after a
    // sync, and the bookkeeping below. Always taken last (after the sync and stage locks), never held around I/O
    // of the log itself.
    private readonly object _snapshotFilesLock = new();

    // Per group: how many drops were staged in this process. A snapshot staged before a drop belongs to an older
    // incarnation and must never choose which files of the newer one are "older" (their indexes may be lower).
    private readonly Dictionary<ulong, ulong> _incarnations = [];

    // Drops whose record is staged or being written, each with the old incarnation's snapshot files.
    private readonly List<PendingDrop> _pendingDrops = [];
    private List<PendingDrop> _stagedDrops = [];

    public ulong StageDropGroup(ulong groupId)
    {
        lock (_stageLock)
        {
            ThrowIfUnusable();
            StageFixed(RecordType.DropGroup, groupId, 0, _ => { }, flags: 0);

            // The group is gone for every later call: its records no longer pin segments, carry-forward skips it,
            // and the next record for this id starts a new GroupLog from empty, exactly as replay will.
            _groups.Remove(groupId);
            lock (_snapshotFilesLock)
            {
                _incarnations[groupId] = Incarnation(groupId) + 1;
                var drop = new PendingDrop(groupId, ListSnapshotIndexes(groupId));
                _pendingDrops.Add(drop);
                _stagedDrops.Add(drop);
            }

            return _bufferSequence;
        }
    }

    /// <summary>Caller holds <see cref="_snapshotFilesLock"/>.</summary>
    private ulong Incarnation(ulong groupId) => _incarnations.GetValueOrDefault(groupId);

    private HashSet<ulong> ListSnapshotIndexes(ulong groupId)
    {
        var indexes = new HashSet<ulong>();
        foreach (var name in _disk.ListFiles(SnapshotDirectory))
        {
            if (TryParseSnapshotName(name, out var group, out var index, out var temporary) && !temporary && group == groupId) indexes.Add(index);
        }

        return indexes;
    }

    /// <summary>
    /// After the sync that made these drop records durable: the old incarnations' snapshot files go. A file the
    /// new incarnation wrote since under the same name is not theirs any more (<see cref="WriteSnapshot(ulong, Raft.SnapshotMetadata, Action{Stream})"/> took
    /// it off the list). A crash before this point leaves files that recovery deletes, as no live group names them.
    /// </summary>
    private void DeleteDroppedSnapshots(List<PendingDrop> synced)
    {
        if (synced.Count == 0) return;
        var deleted = false;
        lock (_snapshotFilesLock)
        {
            foreach (var drop in synced)
            {
                _pendingDrops.Remove(drop);
                foreach (var index in drop.SnapshotIndexes)
                {
                    var path = SnapshotPath(drop.Group, index);
                    try
                    {
                        if (!_disk.Exists(path)) continue;
                        _disk.Delete(path);
                    }
                    catch (Exception e)
                    {
                        throw Fail("dropped group's snapshot delete", e);
                    }

                    deleted = true;
                }
            }
        }

        if (deleted) _disk.SyncDirectory(SnapshotDirectory);
    }

    /// <summary>A snapshot file at <paramref name="index"/> now holds the group's current incarnation. Caller holds <see cref="_snapshotFilesLock"/>.</summary>
    private void ClaimSnapshotName(ulong groupId, ulong index)
    {
        foreach (var drop in _pendingDrops)
        {
            if (drop.Group == groupId) drop.SnapshotIndexes.Remove(index);
        }
    }

    private sealed record PendingDrop(ulong Group, HashSet<ulong> SnapshotIndexes);

    private readonly record struct StagedSnapshot(ulong Group, ulong Index, ulong Incarnation);
}
