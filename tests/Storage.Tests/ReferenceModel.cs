// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Storage.Tests;

/// <summary>
/// The simplest possible model of what the WAL promises per group, written independently of the WAL's own
/// index: a list of entries after a compaction point, a hard state and a snapshot. Tests compare recovered
/// state against it.
/// </summary>
internal sealed class ReferenceModel
{
    private readonly SortedDictionary<ulong, ModelGroup> _groups = [];

    public ModelGroup Group(ulong id)
    {
        if (!_groups.TryGetValue(id, out var group)) _groups[id] = group = new ModelGroup();
        return group;
    }

    public IEnumerable<ulong> GroupIds => _groups.Keys;

    public ReferenceModel Clone()
    {
        var copy = new ReferenceModel();
        foreach (var (id, group) in _groups) copy._groups[id] = group.Clone();
        return copy;
    }

    public void Apply(WalOp op)
    {
        if (op is WalOp.DropGroup)
        {
            // The replica is gone; a later op on the same id starts a new incarnation from empty.
            _groups.Remove(op.Group);
            return;
        }

        var g = Group(op.Group);
        switch (op)
        {
            case WalOp.Append a:
                var keep = (int)(a.Entries[0].Index - g.CompactedIndex - 1);
                g.Entries.RemoveRange(keep, g.Entries.Count - keep);
                g.Entries.AddRange(a.Entries);
                break;
            case WalOp.SaveHardState h:
                g.HardState = h.State;
                break;
            case WalOp.SaveSnapshot s:
                var matches = g.TermAt(s.Metadata.Index) == s.Metadata.Term;
                g.Snapshot = s.Metadata;
                if (!matches) g.Reset(s.Metadata.Index, s.Metadata.Term);
                break;
            case WalOp.Compact c:
                var term = g.TermAt(c.Index)!.Value;
                g.Entries.RemoveRange(0, (int)(c.Index - g.CompactedIndex));
                (g.CompactedIndex, g.CompactedTerm) = (c.Index, term);
                break;
        }
    }

    /// <summary>Null when equal; otherwise a description of the first difference.</summary>
    public string? Difference(IReadOnlyDictionary<ulong, GroupState> actual)
    {
        foreach (var id in _groups.Keys.Union(actual.Keys).Order())
        {
            var expected = _groups.TryGetValue(id, out var g) ? g : new ModelGroup();
            var state = actual.TryGetValue(id, out var s) ? s : new GroupState(id, default, SnapshotMetadata.Empty, 0, 0, []);
            var diff = expected.Difference(state);
            if (diff is not null) return $"group {id}: {diff}";
        }

        return null;
    }

    /// <summary>Equality on every group but <paramref name="ignored"/> (which a test wrote after the comparison point).</summary>
    public void AssertEqualExceptGroup(IReadOnlyDictionary<ulong, GroupState> actual, ulong ignored)
    {
        var diff = Difference(actual.Where(kv => kv.Key != ignored).ToDictionary());
        Assert.True(diff is null, diff);
    }

    public void AssertEqual(IReadOnlyDictionary<ulong, GroupState> actual)
    {
        var diff = Difference(actual);
        Assert.True(diff is null, diff);
    }
}

internal sealed class ModelGroup
{
    public HardState HardState;
    public SnapshotMetadata Snapshot = SnapshotMetadata.Empty;
    public ulong CompactedIndex;
    public ulong CompactedTerm;
    public List<Entry> Entries = [];

    public ulong LastIndex => CompactedIndex + (ulong)Entries.Count;

    public ulong? TermAt(ulong index) =>
        index == CompactedIndex ? CompactedTerm
        : index > CompactedIndex && index <= LastIndex ? Entries[(int)(index - CompactedIndex - 1)].Term
        : null;

    public void Reset(ulong index, ulong term)
    {
        Entries.Clear();
        (CompactedIndex, CompactedTerm) = (index, term);
    }

    public ModelGroup Clone() => new()
    {
        HardState = HardState, Snapshot = Snapshot, CompactedIndex = CompactedIndex, CompactedTerm = CompactedTerm, Entries = [.. Entries],
    };

    public string? Difference(GroupState s)
    {
        if (s.HardState != HardState) return $"hard state {s.HardState}, expected {HardState}";
        if (s.Snapshot != Snapshot) return $"snapshot {s.Snapshot.Index}/{s.Snapshot.Term}, expected {Snapshot.Index}/{Snapshot.Term}";
        if (s.CompactedIndex != CompactedIndex || s.CompactedTerm != CompactedTerm)
            return $"compacted {s.CompactedIndex}/{s.CompactedTerm}, expected {CompactedIndex}/{CompactedTerm}";
        if (s.Entries.Count != Entries.Count) return $"{s.Entries.Count} entries (last {s.LastIndex}), expected {Entries.Count} (last {LastIndex})";
        for (var i = 0; i < Entries.Count; i++)
        {
            var (a, e) = (s.Entries[i], Entries[i]);
            if (a.Index != e.Index || a.Term != e.Term || a.Type != e.Type || !a.Data.Span.SequenceEqual(e.Data.Span))
                return $"entry {e.Index}: got {a}, expected {e}";
        }

        return null;
    }
}

/// <summary>One staged operation, as the model and the WAL both see it.</summary>
internal abstract record WalOp(ulong Group)
{
    public sealed record Append(ulong Group, Entry[] Entries) : WalOp(Group);

    public sealed record SaveHardState(ulong Group, HardState State) : WalOp(Group);

    public sealed record SaveSnapshot(ulong Group, SnapshotMetadata Metadata, byte[] Data) : WalOp(Group);

    public sealed record Compact(ulong Group, ulong Index) : WalOp(Group);

    public sealed record DropGroup(ulong Group) : WalOp(Group);

    /// <summary>Stages the op (writing snapshot data first, as the contract requires).</summary>
    public void StageInto(IWriteAheadLog wal)
    {
        switch (this)
        {
            case Append a: wal.StageEntries(Group, a.Entries); break;
            case SaveHardState h: wal.StageHardState(Group, h.State); break;
            case SaveSnapshot s:
                wal.WriteSnapshot(Group, s.Metadata, new MemoryStream(s.Data));
                wal.StageSnapshot(Group, s.Metadata);
                break;
            case Compact c: wal.StageCompact(Group, c.Index); break;
            case DropGroup: wal.StageDropGroup(Group); break;
        }
    }
}
