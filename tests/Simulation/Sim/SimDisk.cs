// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>What a node's disk holds for one group after a crash: only what was synced.</summary>
public sealed record RecoveredGroup(ulong Group, HardState HardState, SnapshotMetadata Snapshot, IReadOnlyList<Entry> Entries)
{
    public bool IsEmpty => HardState.IsEmpty && Entries.Count == 0 && Snapshot.IsEmpty;

    public override string ToString() =>
        $"g{Group} {HardState} snapshot {Snapshot.Term}/{Snapshot.Index} entries [{string.Join(' ', Entries.Select(e => $"{e.Term}/{e.Index}"))}]";
}

/// <summary>
/// The simulation's model of what a node's WAL makes durable: per group a written image and a synced image.
/// Every staged record changes the written image at once and is queued for the synced one; a sync replays the
/// queue, a crash drops it. It answers the oracle's durability questions, and every recovery of the real WAL must
/// return exactly what it synced.
/// </summary>
public sealed class SimDisk
{
    private readonly SortedDictionary<ulong, GroupImage> _written = [];
    private readonly SortedDictionary<ulong, GroupImage> _synced = [];
    private readonly List<(ulong Group, Action<SortedDictionary<ulong, GroupImage>> Write)> _unsynced = [];

    public void Append(ulong group, IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        var copy = entries.ToArray();
        Stage(group, images => Image(images, group).Append(copy));
    }

    public void SetHardState(ulong group, HardState hardState) => Stage(group, images => Image(images, group).HardState = hardState);

    public void StageSnapshot(ulong group, SnapshotMetadata metadata) => Stage(group, images => Image(images, group).Snapshot(metadata));

    public void Compact(ulong group, ulong index) => Stage(group, images => Image(images, group).Compact(index));

    public void Drop(ulong group) => Stage(group, images => images.Remove(group));

    public void Sync()
    {
        foreach (var (_, write) in _unsynced) write(_synced);
        _unsynced.Clear();
    }

    public void Crash()
    {
        _unsynced.Clear();
        _written.Clear();
        foreach (var (group, image) in _synced) _written[group] = image.Clone();
    }

    public IReadOnlyList<RecoveredGroup> Recover() =>
        [.. _synced.Select(pair => pair.Value.Recover(pair.Key)).Where(g => !g.IsEmpty)];

    /// <summary>False once the group's drop record is synced (or before anything of it was): its replica is gone from this disk.</summary>
    public bool DurablyHolds(ulong group) => _synced.ContainsKey(group);

    public HardState DurableHardState(ulong group) => _synced.TryGetValue(group, out var image) ? image.HardState : HardState.Empty;

    public bool DurablyHas(ulong group, ulong index, ulong term) => _synced.TryGetValue(group, out var image) && image.Has(index, term);

    public ulong DurableLastIndex(ulong group) => _synced.TryGetValue(group, out var image) ? image.LastIndex : 0;

    private void Stage(ulong group, Action<SortedDictionary<ulong, GroupImage>> write)
    {
        write(_written);
        _unsynced.Add((group, write));
    }

    private static GroupImage Image(SortedDictionary<ulong, GroupImage> images, ulong group)
    {
        if (!images.TryGetValue(group, out var image)) images[group] = image = new GroupImage();
        return image;
    }

    /// <summary>
    /// One group's log as the WAL keeps it: a base (index, term) the log restarts after, consecutive entries after
    /// it, and the latest snapshot's metadata (a snapshot the log matches keeps the log; compaction moves the base).
    /// </summary>
    private sealed class GroupImage
    {
        private ulong _baseIndex;
        private ulong _baseTerm;
        private SnapshotMetadata _snapshot = SnapshotMetadata.Empty;

        public HardState HardState { get; set; }

        private List<Entry> Entries { get; init; } = [];

        public ulong LastIndex => _baseIndex + (ulong)Entries.Count;

        public void Append(Entry[] entries)
        {
            var first = entries[0].Index;
            if (first > LastIndex + 1) throw new InvalidOperationException($"disk model: gap appending {first} after {LastIndex}");
            if (first <= LastIndex)
            {
                var keep = (int)Math.Max(0, (long)first - (long)_baseIndex - 1);
                Entries.RemoveRange(keep, Entries.Count - keep);
            }
            foreach (var e in entries)
            {
                if (e.Index > _baseIndex) Entries.Add(e);
            }
        }

        public void Snapshot(SnapshotMetadata metadata)
        {
            if (!TermAt(metadata.Index, out var term) || term != metadata.Term || metadata.Index > LastIndex) Reset(metadata.Index, metadata.Term);
            _snapshot = metadata;
        }

        public void Compact(ulong index)
        {
            if (index <= _baseIndex || index > LastIndex) return;
            var drop = (int)(index - _baseIndex);
            _baseTerm = Entries[drop - 1].Term;
            Entries.RemoveRange(0, drop);
            _baseIndex = index;
        }

        public bool Has(ulong index, ulong term)
        {
            if (index < _snapshot.Index || (index == _snapshot.Index && term == _snapshot.Term)) return true;
            return TermAt(index, out var held) && held == term;
        }

        public RecoveredGroup Recover(ulong group) => new(group, HardState, _snapshot, [.. Entries.Where(e => e.Index > _snapshot.Index)]);

        public GroupImage Clone() => new() { HardState = HardState, _snapshot = _snapshot, _baseIndex = _baseIndex, _baseTerm = _baseTerm, Entries = [.. Entries] };

        private bool TermAt(ulong index, out ulong term)
        {
            term = 0;
            if (index == _baseIndex)
            {
                term = _baseTerm;
                return true;
            }
            if (index < _baseIndex || index > LastIndex) return false;
            term = Entries[(int)(index - _baseIndex - 1)].Term;
            return true;
        }

        private void Reset(ulong index, ulong term)
        {
            Entries.Clear();
            _baseIndex = index;
            _baseTerm = term;
        }
    }
}
