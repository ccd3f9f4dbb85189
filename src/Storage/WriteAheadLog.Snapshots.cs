// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Security.Cryptography;
using RaftCache.Raft;

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    internal static string SnapshotPath(ulong group, ulong index) => $"{SnapshotDirectory}/{group:x16}-{index:x16}.snap";

    private static string TempSnapshotPath(ulong group, ulong index) => $"{SnapshotDirectory}/{group:x16}-{index:x16}.tmp";

    public void WriteSnapshot(ulong groupId, SnapshotMetadata metadata, Stream data)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteSnapshot(groupId, metadata, data.CopyTo);
    }

    public long WriteSnapshot(ulong groupId, SnapshotMetadata metadata, Action<Stream> write)
    {
        lock (_syncLock) ThrowIfUnusable();
        if (metadata.IsEmpty) throw new ArgumentException("empty snapshot metadata", nameof(metadata));
        var temp = TempSnapshotPath(groupId, metadata.Index);
        try
        {
            if (_disk.Exists(temp)) _disk.Delete(temp);
            long plainBytes;
            using (var file = _disk.Create(temp, 0))
            {
                var keyring = _options.Encryption;
                var prefix = keyring is null ? null : RandomNumberGenerator.GetBytes(SnapshotCipher.NoncePrefixBytes);
                var header = SnapshotFile.EncodeHeader(groupId, metadata, keyring is null ? null : (keyring.ActiveKeyId, prefix!));
                file.Write(0, header);
                using var cipher = keyring is null ? null : new SnapshotCipher(keyring.ActiveKey, prefix!, groupId, metadata.Index);
                using var data = new SnapshotWriteStream(file, header.Length, cipher, _options.MaxSnapshotBytes);
                write(data);
                var (length, crc) = data.Finish();
                plainBytes = data.PlainBytes;
                file.Write(header.Length + length, SnapshotFile.EncodeTrailer(length, crc));
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
            return plainBytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (_syncLock) throw Fail("snapshot write", e);
        }
    }

    public Stream OpenSnapshot(ulong groupId, ulong index)
    {
        var path = SnapshotPath(groupId, index);
        var file = _disk.Open(path);
        try
        {
            var frame = SnapshotFile.ReadFrame(file, path);
            if (frame.Group != groupId || frame.Metadata.Index != index) throw new StorageCorruptionException(path, 16, "snapshot header names another group or index");
            var data = new SnapshotReadStream(file, path, frame.DataStart, frame.DataLength, frame.DataCrc);
            if (frame.Encryption is not { } encryption) return data;
            if (_options.Encryption is null || !_options.Encryption.TryGetKey(encryption.KeyId, out var key))
            {
                data.Dispose();
                throw new StorageKeyException(path, 24, encryption.KeyId, _options.Encryption is null
                    ? "no encryption key is configured"
                    : $"the keyring holds key ids {string.Join(", ", _options.Encryption.KeyIds.Order())}");
            }
            return new DecryptingSnapshotStream(data, new SnapshotCipher(key, encryption.NoncePrefix, groupId, index), path, frame.DataStart);
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
