// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using RaftCache.Raft;

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    internal static string SnapshotPath(ulong group, ulong index) => $"{SnapshotDirectory}/{group:x16}-{index:x16}.snap";

    private static string TempSnapshotPath(ulong group, ulong index) => $"{SnapshotDirectory}/{group:x16}-{index:x16}.tmp";

    public void WriteSnapshot(ulong groupId, SnapshotMetadata metadata, Stream data)
    {
        lock (_syncLock) ThrowIfUnusable();
        if (metadata.IsEmpty) throw new ArgumentException("empty snapshot metadata", nameof(metadata));
        var temp = TempSnapshotPath(groupId, metadata.Index);
        try
        {
            if (_disk.Exists(temp)) _disk.Delete(temp);
            using (var file = _disk.Create(temp, 0))
            {
                var header = SnapshotFile.EncodeHeader(groupId, metadata);
                file.Write(0, header);
                var (length, crc) = CopyData(data, file, header.Length);
                file.Write(header.Length + length, SnapshotFile.EncodeTrailer(length, Crc32C.Finish(crc)));
                file.Sync();
            }

            // Rename only complete, fsynced files, then make the name durable: a crash leaves either no file or a good one.
            // Under the files lock: a drop's pending deletion must not remove the new incarnation's file of the same name.
            lock (_snapshotFilesLock)
            {
                _disk.Rename(temp, SnapshotPath(groupId, metadata.Index));
                ClaimSnapshotName(groupId, metadata.Index);
            }

            _disk.SyncDirectory(SnapshotDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (_syncLock) throw Fail("snapshot write", e);
        }
    }

    private (long Length, uint Crc) CopyData(Stream data, IStorageFile file, long offset)
    {
        var buffer = new byte[SnapshotFile.ChunkBytes];
        var crc = Crc32C.Start;
        long length = 0;
        int read;
        while ((read = data.Read(buffer)) > 0)
        {
            if (length + read > _options.MaxSnapshotBytes) throw new InvalidOperationException($"snapshot larger than {_options.MaxSnapshotBytes} bytes (WalOptions.MaxSnapshotBytes)");
            file.Write(offset + length, buffer.AsSpan(0, read));
            crc = Crc32C.Append(crc, buffer.AsSpan(0, read));
            length += read;
        }

        return (length, crc);
    }

    public Stream OpenSnapshot(ulong groupId, ulong index)
    {
        var path = SnapshotPath(groupId, index);
        var file = _disk.Open(path);
        try
        {
            var frame = SnapshotFile.ReadFrame(file, path);
            if (frame.Group != groupId || frame.Metadata.Index != index) throw new StorageCorruptionException(path, 16, "snapshot header names another group or index");
            return new SnapshotReadStream(file, path, frame.DataStart, frame.DataLength, frame.DataCrc);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>After the sync that made a newer snapshot's record durable, older snapshot files can go (pitfall 12: by index).</summary>
    private void DeleteOlderSnapshots(List<StagedSnapshot> synced)
    {
        if (synced.Count == 0) return;
        var deleted = false;
        lock (_snapshotFilesLock)
        {
            // Only snapshots of a group's current incarnation count: after a drop, the new incarnation's files may
            // have lower indexes than the old one's snapshot, and the drop's own cleanup removes the old files.
            var newest = synced.Where(s => s.Incarnation == Incarnation(s.Group)).GroupBy(s => s.Group).ToDictionary(g => g.Key, g => g.Max(s => s.Index));
            foreach (var name in _disk.ListFiles(SnapshotDirectory))
            {
                if (!TryParseSnapshotName(name, out var group, out var index, out var temporary) || temporary) continue;
                if (!newest.TryGetValue(group, out var keep) || index >= keep) continue;
                try
                {
                    _disk.Delete($"{SnapshotDirectory}/{name}");
                }
                catch (Exception e)
                {
                    throw Fail("snapshot delete", e);
                }

                deleted = true;
            }
        }

        if (deleted) _disk.SyncDirectory(SnapshotDirectory);
    }

    internal static bool TryParseSnapshotName(string name, out ulong group, out ulong index, out bool temporary)
    {
        group = index = 0;
        temporary = name.EndsWith(".tmp", StringComparison.Ordinal);
        if (name.Length != (temporary ? 37 : 38) || name[16] != '-' || !(temporary || name.EndsWith(".snap", StringComparison.Ordinal))) return false;
        return ulong.TryParse(name.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out group)
            && ulong.TryParse(name.AsSpan(17, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out index);
    }
}
