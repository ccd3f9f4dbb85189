// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// An in-memory <see cref="IRaftLog"/> (etcd MemoryStorage) for tests, the simulation and hosts that keep
/// the log in memory. The host calls <see cref="Append"/>, <see cref="SetHardState"/> and
/// <see cref="ApplySnapshot"/> when it has persisted a Ready. Not thread-safe.
/// </summary>
public sealed class MemoryRaftLog : IRaftLog
{
    // _entries[0] is a placeholder at the snapshot (or compaction) point, whose term is still known.
    private readonly List<Entry> _entries = [new Entry(0, 0, EntryType.NoOp, ReadOnlyMemory<byte>.Empty)];
    private HardState _hardState;
    private ConfState _confState = ConfState.Empty;
    private Snapshot _snapshot = global::RaftCache.Raft.Snapshot.Empty;

    public HardState HardState => _hardState;

    public (HardState HardState, ConfState ConfState) InitialState() => (_hardState, _confState);

    public ulong FirstIndex => _entries[0].Index + 1;

    public ulong LastIndex => _entries[0].Index + (ulong)_entries.Count - 1;

    public bool TryGetTerm(ulong index, out ulong term)
    {
        var offset = _entries[0].Index;
        term = 0;
        if (index < offset || index - offset >= (ulong)_entries.Count) return false;
        term = _entries[(int)(index - offset)].Term;
        return true;
    }

    public IReadOnlyList<Entry> Entries(ulong low, ulong high, long maxBytes)
    {
        if (low < FirstIndex) throw new ArgumentOutOfRangeException(nameof(low), low, $"compacted: first index is {FirstIndex}");
        if (high > LastIndex + 1 || low > high)
            throw new ArgumentOutOfRangeException(nameof(high), high, $"out of range [{low}, last {LastIndex}]");
        var result = new List<Entry>();
        long size = 0;
        var offset = _entries[0].Index;
        for (var i = low; i < high; i++)
        {
            var e = _entries[(int)(i - offset)];
            if (result.Count > 0 && size + e.SizeBytes > maxBytes) break;
            size += e.SizeBytes;
            result.Add(e);
        }

        return result;
    }

    public Snapshot? Snapshot() => _snapshot;

    public void SetHardState(HardState hardState) => _hardState = hardState;

    /// <summary>
    /// Records the membership returned by <see cref="InitialState"/> after a restart; it must be the
    /// configuration as of the <see cref="RaftConfig.Applied"/> index the host restarts with.
    /// <see cref="ApplySnapshot"/> and <see cref="CreateSnapshot"/> set it to the snapshot's.
    /// </summary>
    public void SetConfState(ConfState confState) => _confState = confState;

    /// <summary>Appends entries from a Ready: entries below the first index are ignored, a conflicting suffix is replaced.</summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        var first = FirstIndex;
        var lastNew = entries[^1].Index;
        if (lastNew < first) return;
        var skip = entries[0].Index < first ? (int)(first - entries[0].Index) : 0;
        var start = entries[skip].Index;
        if (start > LastIndex + 1)
            throw new InvalidOperationException($"missing log entries: last index {LastIndex}, appending from {start}");
        var keep = (int)(start - _entries[0].Index);
        _entries.RemoveRange(keep, _entries.Count - keep);
        for (var i = skip; i < entries.Count; i++) _entries.Add(entries[i]);
    }

    /// <summary>Installs a snapshot from a Ready: the whole log is replaced by it.</summary>
    public void ApplySnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Metadata.Index <= _snapshot.Metadata.Index)
            throw new InvalidOperationException($"snapshot {snapshot.Metadata.Index} is not newer than {_snapshot.Metadata.Index}");
        _snapshot = snapshot;
        _confState = snapshot.Metadata.ConfState;
        _entries.Clear();
        _entries.Add(new Entry(snapshot.Metadata.Index, snapshot.Metadata.Term, EntryType.NoOp, ReadOnlyMemory<byte>.Empty));
    }

    /// <summary>
    /// Records a snapshot of the applied state at <paramref name="index"/>; call <see cref="Compact"/> afterwards to drop
    /// entries. The core never reads <paramref name="data"/>: a host that keeps snapshot files on disk passes none and
    /// attaches the bytes when it sends the snapshot, so the log holds only the metadata.
    /// </summary>
    public Snapshot CreateSnapshot(ulong index, ConfState confState, ReadOnlyMemory<byte> data)
    {
        if (index <= _snapshot.Metadata.Index)
            throw new InvalidOperationException($"snapshot {index} is not newer than {_snapshot.Metadata.Index}");
        if (index > LastIndex) throw new ArgumentOutOfRangeException(nameof(index), index, $"beyond the last index {LastIndex}");
        if (!TryGetTerm(index, out var term)) throw new ArgumentOutOfRangeException(nameof(index), index, "compacted");
        _snapshot = new Snapshot(new SnapshotMetadata(index, term, confState), data);

        // A restart resumes from the snapshot (Applied = its index), so the membership must be the snapshot's.
        _confState = confState;
        return _snapshot;
    }

    /// <summary>
    /// The highest index at or below <paramref name="index"/> such that the entries after it, up to
    /// <paramref name="index"/>, hold at most <paramref name="maxBytes"/> (<see cref="Entry.SizeBytes"/>): compacting
    /// to it keeps a catch-up tail bounded in bytes. Never below the current compaction point.
    /// </summary>
    public ulong TailStart(ulong index, long maxBytes)
    {
        if (index > LastIndex) throw new ArgumentOutOfRangeException(nameof(index), index, $"beyond the last index {LastIndex}");
        var offset = _entries[0].Index;
        if (index <= offset) return index;
        long bytes = 0;
        var start = index;
        while (start > offset)
        {
            var size = _entries[(int)(start - offset)].SizeBytes;
            if (bytes + size > maxBytes) break;
            bytes += size;
            start--;
        }
        return start;
    }

    /// <summary>Discards entries before <paramref name="compactIndex"/>; its term stays known. No-op when already compacted.</summary>
    public void Compact(ulong compactIndex)
    {
        var offset = _entries[0].Index;
        if (compactIndex <= offset) return;
        if (compactIndex > LastIndex) throw new ArgumentOutOfRangeException(nameof(compactIndex), compactIndex, $"beyond the last index {LastIndex}");
        var i = (int)(compactIndex - offset);
        var term = _entries[i].Term;
        _entries.RemoveRange(0, i);
        _entries[0] = new Entry(compactIndex, term, EntryType.NoOp, ReadOnlyMemory<byte>.Empty);
    }
}
