// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Every snapshot the WAL names must exist and pass its checksums (else the node refuses to start: the log
    /// before it is gone). Other snapshot files are leftovers: temporary files of an interrupted write, files
    /// whose WAL record never became durable, and older snapshots whose deletion a crash interrupted.
    /// </summary>
    private void RecoverSnapshots()
    {
        foreach (var group in _groups.Values)
        {
            if (group.Snapshot.IsEmpty) continue;
            var path = SnapshotPath(group.GroupId, group.Snapshot.Index);
            if (!_disk.Exists(path)) throw new StorageCorruptionException(path, 0, $"group {group.GroupId}: the WAL names snapshot {group.Snapshot.Index} but its file is missing");
            using var stream = OpenSnapshot(group.GroupId, group.Snapshot.Index);
            stream.CopyTo(Stream.Null);
        }

        var deleted = false;
        foreach (var name in _disk.ListFiles(SnapshotDirectory))
        {
            if (!TryParseSnapshotName(name, out var group, out var index, out var temporary)) continue;
            var live = !temporary && _groups.TryGetValue(group, out var log) && log.Snapshot.Index == index;
            if (live) continue;
            try
            {
                _disk.Delete($"{SnapshotDirectory}/{name}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Fail("snapshot cleanup", e);
            }

            deleted = true;
        }

        if (deleted) _disk.SyncDirectory(SnapshotDirectory);
    }
}
