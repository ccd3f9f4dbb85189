// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using RaftCache.Storage;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// A node's disk backed by src/Storage's in-memory twin (<see cref="MemoryWal"/>): the same WAL code and
/// byte format as on a real disk, where a crash discards unsynced bytes. Crash-restart recovers the node
/// from what the WAL's own recovery returns. A <see cref="SimDisk"/> model runs alongside: it answers the
/// oracle's durability questions, and on every recovery the WAL must return exactly what the model synced.
/// </summary>
public sealed class WalStorage : INodeStorage, IDisposable
{
    private readonly MemoryWal _wal;
    private readonly SimDisk _model = new();

    public WalStorage(bool rejectCommittedTruncation) =>
        _wal = new MemoryWal(WalOptions.ForTests with { RejectCommittedTruncation = rejectCommittedTruncation });

    public void Append(ulong group, IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        _wal.StageEntries(group, entries);
        _model.Append(group, entries);
    }

    public void SetHardState(ulong group, HardState hardState)
    {
        _wal.StageHardState(group, hardState);
        _model.SetHardState(group, hardState);
    }

    public void InstallSnapshot(ulong group, Snapshot snapshot)
    {
        WriteSnapshot(group, snapshot);
        _model.InstallSnapshot(group, snapshot);
    }

    public void SaveLocalSnapshot(ulong group, Snapshot snapshot)
    {
        WriteSnapshot(group, snapshot);
        _wal.StageCompact(group, snapshot.Metadata.Index);
        _model.SaveLocalSnapshot(group, snapshot);
    }

    public void Sync()
    {
        _wal.Sync();
        _model.Sync();
    }

    public void Crash()
    {
        _wal.Crash();
        _model.Crash();
    }

    public IReadOnlyList<RecoveredGroup> Recover()
    {
        var recovered = _wal.Restart();
        var expected = _model.Recover().Where(g => !(g.HardState.IsEmpty && g.Entries.Count == 0 && g.Snapshot.IsEmpty)).ToList();
        var result = new List<RecoveredGroup>();
        foreach (var (group, state) in recovered.OrderBy(p => p.Key))
        {
            var snapshot = Snapshot.Empty;
            if (!state.Snapshot.IsEmpty)
            {
                using var data = _wal.OpenSnapshot(group, state.Snapshot.Index);
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                snapshot = new Snapshot(state.Snapshot, copy.ToArray());
            }

            result.Add(new RecoveredGroup(group, state.HardState, snapshot, state.EntriesAfterSnapshot));
        }

        Compare(expected, result.Where(g => !(g.HardState.IsEmpty && g.Entries.Count == 0 && g.Snapshot.IsEmpty)).ToList());
        return result;
    }

    public HardState DurableHardState(ulong group) => _model.DurableHardState(group);

    public bool DurablyHas(ulong group, ulong index, ulong term) => _model.DurablyHas(group, index, term);

    public ulong DurableLastIndex(ulong group) => _model.DurableLastIndex(group);

    /// <summary>The WAL's disk lies about fsync until the next crash; the model keeps the truth, so recovery must disagree.</summary>
    public void StartLying() => _wal.Disk.IgnoreSyncs = true;

    public void Dispose() => _wal.Dispose();

    private void WriteSnapshot(ulong group, Snapshot snapshot)
    {
        using var data = new MemoryStream(snapshot.Data.ToArray());
        _wal.WriteSnapshot(group, snapshot.Metadata, data);
        _wal.StageSnapshot(group, snapshot.Metadata);
    }

    private static void Compare(List<RecoveredGroup> expected, List<RecoveredGroup> actual)
    {
        static string Describe(RecoveredGroup g) =>
            $"g{g.Group} {g.HardState} snapshot {g.Snapshot.Metadata.Term}/{g.Snapshot.Metadata.Index} entries [{string.Join(' ', g.Entries.Select(e => $"{e.Term}/{e.Index}"))}]";
        var want = string.Join("; ", expected.Select(Describe));
        var got = string.Join("; ", actual.Select(Describe));
        if (want != got) throw new SimInvariantException("storage recovers exactly the synced state", $"WAL recovered {got}\n  but the synced model holds {want}");
    }
}
