// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Raft;

namespace RaftCache.Storage.Tests;

/// <summary>
/// Seeded random operations that obey the rules a Raft host follows (no truncation at or below commit,
/// snapshots only of committed entries, compaction only below the snapshot), so any mismatch is the WAL's fault.
/// Now and then a group is dropped; the ops after it re-create the group from empty (often with an installed
/// snapshot whose index is below the old incarnation's).
/// </summary>
internal sealed class OpGenerator(int seed, int groups = 3, int maxEntryBytes = 200, int maxEntriesPerOp = 5)
{
    private readonly Random _random = new(seed);

    public Random Random => _random;

    public WalOp Next(ReferenceModel model)
    {
        var id = (ulong)_random.Next(1, groups + 1);
        var g = model.Group(id);
        var roll = _random.Next(100);
        if (roll < 55) return Append(id, g);
        if (roll < 80) return HardState(id, g);
        if (roll < 88 && g.HardState.Commit > g.Snapshot.Index) return TakeSnapshot(id, g);
        if (roll < 91) return InstallSnapshot(id, g);
        if (roll < 93 && g.LastIndex > 0) return new WalOp.DropGroup(id);
        if (roll < 100 && g.Snapshot.Index > g.CompactedIndex) return new WalOp.Compact(id, (ulong)_random.NextInt64((long)g.CompactedIndex + 1, (long)g.Snapshot.Index + 1));
        return Append(id, g);
    }

    private WalOp.Append Append(ulong id, ModelGroup g)
    {
        var floor = Math.Max(Math.Max(g.CompactedIndex, g.Snapshot.Index), g.HardState.Commit) + 1;
        var first = floor > g.LastIndex + 1 ? g.LastIndex + 1 : (ulong)_random.NextInt64((long)floor, (long)g.LastIndex + 2);
        if (first <= g.Snapshot.Index) first = g.Snapshot.Index + 1;
        var term = Math.Max(g.HardState.Term, g.TermAt(first - 1) ?? 0) + (ulong)_random.Next(0, 2);
        var entries = new Entry[_random.Next(1, maxEntriesPerOp + 1)];
        for (var i = 0; i < entries.Length; i++)
        {
            var data = new byte[_random.Next(0, maxEntryBytes + 1)];
            _random.NextBytes(data);
            entries[i] = new Entry(first + (ulong)i, term, (EntryType)_random.Next(0, 3), data);
        }

        return new WalOp.Append(id, entries);
    }

    private WalOp.SaveHardState HardState(ulong id, ModelGroup g)
    {
        var commit = g.LastIndex > g.HardState.Commit ? (ulong)_random.NextInt64((long)g.HardState.Commit, (long)g.LastIndex + 1) : g.HardState.Commit;
        return new WalOp.SaveHardState(id, new HardState(g.HardState.Term + (ulong)_random.Next(0, 2), (ulong)_random.Next(0, 4), commit));
    }

    private WalOp.SaveSnapshot TakeSnapshot(ulong id, ModelGroup g)
    {
        var low = Math.Max(g.Snapshot.Index, g.CompactedIndex) + 1;
        var index = (ulong)_random.NextInt64((long)low, (long)g.HardState.Commit + 1);
        return new WalOp.SaveSnapshot(id, new SnapshotMetadata(index, g.TermAt(index)!.Value, Conf()), Data());
    }

    /// <summary>A snapshot from a leader that does not match the local log: the log must be discarded.</summary>
    private WalOp.SaveSnapshot InstallSnapshot(ulong id, ModelGroup g)
    {
        var index = Math.Max(g.LastIndex, g.Snapshot.Index) + (ulong)_random.Next(1, 4);
        var term = Math.Max(g.HardState.Term, g.TermAt(g.LastIndex) ?? 0) + 1;
        return new WalOp.SaveSnapshot(id, new SnapshotMetadata(index, term, Conf()), Data());
    }

    private ConfState Conf() => new() { Voters = [.. Enumerable.Range(1, _random.Next(1, 4)).Select(i => (ulong)i)], Learners = _random.Next(2) == 0 ? ImmutableArray<ulong>.Empty : [9] };

    private byte[] Data()
    {
        var data = new byte[_random.Next(0, 3000)];
        _random.NextBytes(data);
        return data;
    }
}
