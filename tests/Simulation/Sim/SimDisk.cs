// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// The simulation's own model disk: per group a written image and a synced image. Every write changes the
/// written image at once and is queued for the synced one; a sync replays the queue, a crash drops it.
/// </summary>
public sealed class SimDisk : INodeStorage
{
    private readonly SortedDictionary<ulong, GroupImage> _written = [];
    private readonly SortedDictionary<ulong, GroupImage> _synced = [];
    private readonly List<(ulong Group, Action<GroupImage> Write)> _unsynced = [];

    public void Append(ulong group, IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        var copy = entries.ToArray();
        Stage(group, image => image.Append(copy));
    }

    public void SetHardState(ulong group, HardState hardState) => Stage(group, image => image.HardState = hardState);

    public void InstallSnapshot(ulong group, Snapshot snapshot) => Stage(group, image => image.Install(snapshot));

    public void SaveLocalSnapshot(ulong group, Snapshot snapshot) => Stage(group, image => image.Compact(snapshot));

    public void Sync()
    {
        foreach (var (group, write) in _unsynced) write(Image(_synced, group));
        _unsynced.Clear();
    }

    public void Crash()
    {
        _unsynced.Clear();
        _written.Clear();
        foreach (var (group, image) in _synced) _written[group] = image.Clone();
    }

    public IReadOnlyList<RecoveredGroup> Recover() =>
        [.. _synced.Select(pair => new RecoveredGroup(pair.Key, pair.Value.HardState, pair.Value.Snapshot, [.. pair.Value.Entries]))];

    public HardState DurableHardState(ulong group) => _synced.TryGetValue(group, out var image) ? image.HardState : HardState.Empty;

    public bool DurablyHas(ulong group, ulong index, ulong term) => _synced.TryGetValue(group, out var image) && image.Has(index, term);

    /// <summary>The model is the oracle's ground truth: it never lies (only the real storage under test can).</summary>
    public void StartLying()
    {
    }

    public ulong DurableLastIndex(ulong group) => _synced.TryGetValue(group, out var image) ? image.LastIndex : 0;

    private void Stage(ulong group, Action<GroupImage> write)
    {
        write(Image(_written, group));
        _unsynced.Add((group, write));
    }

    private static GroupImage Image(SortedDictionary<ulong, GroupImage> images, ulong group)
    {
        if (!images.TryGetValue(group, out var image)) images[group] = image = new GroupImage();
        return image;
    }

    /// <summary>One group's log as stored: a snapshot, then consecutive entries after it.</summary>
    private sealed class GroupImage
    {
        public HardState HardState { get; set; }

        public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

        public List<Entry> Entries { get; private init; } = [];

        public ulong LastIndex => Entries.Count > 0 ? Entries[^1].Index : Snapshot.Metadata.Index;

        public void Append(Entry[] entries)
        {
            var first = entries[0].Index;
            if (first > LastIndex + 1) throw new InvalidOperationException($"disk: gap appending {first} after {LastIndex}");
            if (Entries.Count > 0 && first <= Entries[^1].Index)
            {
                var keep = (int)Math.Max(0, (long)first - (long)Entries[0].Index);
                Entries.RemoveRange(keep, Entries.Count - keep);
            }

            foreach (var e in entries)
            {
                if (e.Index > Snapshot.Metadata.Index) Entries.Add(e);
            }
        }

        public void Install(Snapshot snapshot)
        {
            Snapshot = snapshot;
            Entries.Clear();
        }

        public void Compact(Snapshot snapshot)
        {
            Snapshot = snapshot;
            Entries.RemoveAll(e => e.Index <= snapshot.Metadata.Index);
        }

        public bool Has(ulong index, ulong term)
        {
            if (index <= Snapshot.Metadata.Index) return index < Snapshot.Metadata.Index || Snapshot.Metadata.Term == term;
            if (Entries.Count == 0 || index > Entries[^1].Index) return false;
            return Entries[(int)(index - Entries[0].Index)].Term == term;
        }

        public GroupImage Clone() => new() { HardState = HardState, Snapshot = Snapshot, Entries = [.. Entries] };
    }
}
