// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    public ulong StageEntries(ulong groupId, IReadOnlyList<Entry> entries)
    {
        lock (_stageLock)
        {
            ThrowIfUnusable();
            var group = GetOrAddGroup(groupId);

            // Like MemoryRaftLog.Append: entries the durable snapshot already covers are skipped, not rewritten.
            entries = SkipCoveredBySnapshot(entries, group.Snapshot.Index);
            if (entries.Count == 0) return _bufferSequence;
            group.CheckEntries(entries, MaxEntryDataBytes, _options.RejectCommittedTruncation);

            // Checked for the whole batch up front: a batch is staged completely or not at all.
            EnsureStagingRoom(entries.Sum(e => (long)RecordPayloads.EntryHeaderBytes + e.Data.Length + RecordFormat.HeaderBytes + RecordPayloads.EntriesHeaderBytes + RecordFormat.Alignment));
            StageEntryRecords(group, entries, flags: 0);
            return _bufferSequence;
        }
    }

    public ulong StageHardState(ulong groupId, HardState hardState)
    {
        lock (_stageLock)
        {
            ThrowIfUnusable();
            var group = GetOrAddGroup(groupId);
            var lsn = StageFixed(RecordType.HardState, groupId, 24, b => RecordPayloads.WriteHardState(b, hardState), flags: 0);
            group.ApplyHardState(hardState, lsn);
            return _bufferSequence;
        }
    }

    public ulong StageSnapshot(ulong groupId, SnapshotMetadata metadata)
    {
        lock (_stageLock)
        {
            ThrowIfUnusable();
            var group = GetOrAddGroup(groupId);
            group.CheckSnapshot(metadata);
            if (!_disk.Exists(SnapshotPath(groupId, metadata.Index)))
                throw new InvalidOperationException($"group {groupId}: write the snapshot data at {metadata.Index} before staging its record");
            StageSnapshotRecord(group, metadata, flags: 0);
            lock (_snapshotFilesLock) _stagedSnapshots.Add(new StagedSnapshot(groupId, metadata.Index, Incarnation(groupId)));
            return _bufferSequence;
        }
    }

    public ulong StageCompact(ulong groupId, ulong index)
    {
        lock (_stageLock)
        {
            ThrowIfUnusable();
            var group = GetOrAddGroup(groupId);
            if (index <= group.CompactedIndex) return _bufferSequence;
            var term = group.CheckCompact(index);
            var lsn = StageFixed(RecordType.Compact, groupId, 16, b => RecordPayloads.WritePair(b, index, term), flags: 0);
            group.ApplyCompact(index, term, lsn);
            return _bufferSequence;
        }
    }

    private GroupLog GetOrAddGroup(ulong groupId)
    {
        if (_groups.TryGetValue(groupId, out var group)) return group;
        if (_groups.Count >= _options.MaxGroups) throw new InvalidOperationException($"more than {_options.MaxGroups} groups (WalOptions.MaxGroups)");
        group = new GroupLog(groupId);
        _groups.Add(groupId, group);
        return group;
    }

    /// <summary>Encodes entries into as many records as the per-record limits need; each record replaces the log from its first index.</summary>
    private void StageEntryRecords(GroupLog group, IReadOnlyList<Entry> entries, byte flags)
    {
        var start = 0;
        while (start < entries.Count)
        {
            var count = 0;
            long bytes = RecordFormat.HeaderBytes + _staging.Overhead + RecordPayloads.EntriesHeaderBytes;
            while (start + count < entries.Count && count < _options.MaxEntriesPerRecord
                && bytes + RecordPayloads.EntryHeaderBytes + entries[start + count].Data.Length <= _options.MaxRecordBytes)
            {
                bytes += RecordPayloads.EntryHeaderBytes + entries[start + count].Data.Length;
                count++;
            }

            if (count == 0) throw new ArgumentException($"entry {entries[start].Index} does not fit in a record (MaxRecordBytes {_options.MaxRecordBytes})");
            EnsureStagingRoom(bytes);
            var lsn = _nextLsn++;
            _staging.BeginRecord((int)bytes - RecordFormat.HeaderBytes - _staging.Overhead);
            RecordPayloads.WriteEntries(_staging, entries, start, count);
            _staging.EndRecord(RecordType.Entries, group.GroupId, lsn, flags);
            group.ApplyEntries(Slice(entries, start, count), lsn);
            start += count;
        }
    }

    private void StageSnapshotRecord(GroupLog group, SnapshotMetadata metadata, byte flags)
    {
        var logKept = group.Matches(metadata);
        var lsn = StageFixed(RecordType.Snapshot, group.GroupId, RecordPayloads.SnapshotRecordBytes(metadata),
            b => RecordPayloads.WriteSnapshotRecord(b, metadata, logKept), flags);
        group.ApplySnapshot(metadata, logKept, lsn);
    }

    private ulong StageFixed(RecordType type, ulong groupId, int payloadBytes, Action<StagingBuffer> write, byte flags)
    {
        EnsureStagingRoom(RecordFormat.RecordBytes(payloadBytes + _staging.Overhead));
        var lsn = _nextLsn++;
        _staging.BeginRecord(payloadBytes);
        write(_staging);
        _staging.EndRecord(type, groupId, lsn, flags);
        return lsn;
    }

    private void EnsureStagingRoom(long bytes)
    {
        // A checkpoint restates state that already exists; refusing half-way would leave the group half-rewritten.
        if (_stagingCheckpoint) return;
        if (_staging.Length + bytes > _options.MaxStagedBytes)
            throw new InvalidOperationException($"more than {_options.MaxStagedBytes} bytes staged without a sync (WalOptions.MaxStagedBytes)");
    }

    private static IReadOnlyList<Entry> SkipCoveredBySnapshot(IReadOnlyList<Entry> entries, ulong snapshotIndex)
    {
        if (entries.Count == 0 || entries[0].Index > snapshotIndex) return entries;
        var skip = (int)Math.Min((ulong)entries.Count, snapshotIndex - entries[0].Index + 1);
        return Slice(entries, skip, entries.Count - skip);
    }

    private static IReadOnlyList<Entry> Slice(IReadOnlyList<Entry> entries, int start, int count)
    {
        if (start == 0 && count == entries.Count) return entries;
        var slice = new Entry[count];
        for (var i = 0; i < count; i++) slice[i] = entries[start + i];
        return slice;
    }
}
