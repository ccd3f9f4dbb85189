// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    public ulong Sync()
    {
        lock (_syncLock)
        {
            ThrowIfUnusable();
            if (!SyncStaged(out var synced)) return _durableSequence;
            DeleteSnapshotFiles(synced);
            ReclaimSegments();
            return _durableSequence;
        }
    }

    /// <summary>Writes and fsyncs the staging buffer; false when it was empty. Caller holds the sync lock.</summary>
    private bool SyncStaged(out SyncedBatch synced)
    {
        ulong sequence;
        lock (_stageLock)
        {
            if (!TakeStaged(out synced, out sequence)) return false;
        }

        WriteTaken(sequence);
        return true;
    }

    /// <summary>Swaps the staging buffer out for writing; false when it was empty. Caller holds both locks.</summary>
    private bool TakeStaged(out SyncedBatch synced, out ulong sequence)
    {
        synced = new SyncedBatch([], []);
        sequence = 0;
        if (_staging.RecordCount == 0) return false;
        (_staging, _writing) = (_writing, _staging);
        synced = new SyncedBatch(_stagedSnapshots, _stagedDrops);
        _stagedSnapshots = [];
        _stagedDrops = [];
        sequence = _bufferSequence++;
        return true;
    }

    /// <summary>Writes and fsyncs the buffer <see cref="TakeStaged"/> swapped out. Caller holds the sync lock.</summary>
    private void WriteTaken(ulong sequence)
    {
        try
        {
            WriteBatch(_writing);
        }
        catch (Exception e) when (e is not StorageFailedException)
        {
            throw Fail("write or fsync", e);
        }

        _writing.Clear();
        Volatile.Write(ref _durableSequence, sequence);
    }

    /// <summary>
    /// One write per touched segment, then one fsync. A record never spans segments: when the next record does
    /// not fit, the segment is sealed and fsynced before the next one exists, so only the last segment can ever
    /// have a torn tail (recovery relies on this).
    /// </summary>
    private void WriteBatch(StagingBuffer batch)
    {
        var bytes = batch.Bytes;
        var record = 0;
        var created = false;
        while (record < batch.RecordCount)
        {
            var start = batch.RecordStart(record);
            var room = _options.SegmentBytes - _writeOffset - RecordFormat.HeaderBytes; // keep room for the seal
            var end = record;
            while (end < batch.RecordCount && batch.RecordEnd(end) - start <= room) end++;
            if (end == record)
            {
                // Options.Validate keeps every record smaller than an empty segment; a second roll in a row would loop.
                if (_writeOffset <= RecordFormat.RecordBytes(RecordFormat.SegmentHeaderPayloadBytes)) throw new InvalidOperationException("record larger than a segment");
                Roll(LsnAt(bytes, start));
                created = true;
                continue;
            }

            var stop = batch.RecordEnd(end - 1);
            _active!.Write(_writeOffset, bytes[start..stop]);
            _writeOffset += stop - start;
            _segments[^1].LastLsn = LsnAt(bytes, batch.RecordStart(end - 1));
            record = end;
        }

        var fsyncStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!_options.UnsafeSkipFsync) _active!.Sync();
        _options.Synced?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(fsyncStarted), bytes.Length);
        if (created && !_options.UnsafeSkipFsync) _disk.SyncDirectory(WalDirectory);
    }

    /// <summary>
    /// File work that had to wait for a batch to be durable: first the dropped incarnations' snapshots, then the
    /// snapshots older than the newest durable one of each group.
    /// </summary>
    private void DeleteSnapshotFiles(SyncedBatch synced)
    {
        DeleteDroppedSnapshots(synced.Drops);
        DeleteOlderSnapshots(synced.Snapshots);
    }

    private readonly record struct SyncedBatch(List<StagedSnapshot> Snapshots, List<PendingDrop> Drops);

    private static ulong LsnAt(ReadOnlySpan<byte> bytes, int recordStart) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[(recordStart + 24)..]);

    /// <summary>Seals the active segment (seal record + fsync) and starts the next one with its header.</summary>
    private void Roll(ulong nextLsn)
    {
        if (_active is not null)
        {
            var seal = new byte[RecordFormat.HeaderBytes];
            RecordFormat.Seal(seal, RecordType.SegmentSeal, 0, 0, nextLsn, 0);
            _active.Write(_writeOffset, seal);
            if (!_options.UnsafeSkipFsync) _active.Sync();
            _active.Dispose();
            _active = null;
        }

        var number = _segments.Count == 0 ? _firstSegmentNumber : _segments[^1].Number + 1;
        _active = _disk.Create(SegmentPath(number), _options.SegmentBytes);
        var header = new byte[RecordFormat.RecordBytes(RecordFormat.SegmentHeaderPayloadBytes)];
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(RecordFormat.HeaderBytes), RecordFormat.SegmentMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(RecordFormat.HeaderBytes + 8), _cipher is null ? RecordFormat.FormatVersion : RecordFormat.EncryptedFormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(RecordFormat.HeaderBytes + 16), number);
        RecordFormat.Seal(header, RecordType.SegmentHeader, 0, 0, nextLsn, RecordFormat.SegmentHeaderPayloadBytes);
        _active.Write(0, header);
        _writeOffset = header.Length;
        _segments.Add(new Segment(number, nextLsn));
    }
}
