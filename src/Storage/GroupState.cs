// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Storage;

/// <summary>
/// What the WAL holds for one Raft group: the persisted hard state, the latest durable snapshot's metadata,
/// the compaction point (index and term of the last discarded entry) and the live entries after it,
/// consecutive from <see cref="FirstIndex"/>. <see cref="CompactedIndex"/> ≤ <see cref="Snapshot"/>.Index;
/// entries between them are kept for lagging followers until compacted.
/// </summary>
public sealed record GroupState(
    ulong GroupId,
    HardState HardState,
    SnapshotMetadata Snapshot,
    ulong CompactedIndex,
    ulong CompactedTerm,
    IReadOnlyList<Entry> Entries)
{
    public ulong FirstIndex => CompactedIndex + 1;

    public ulong LastIndex => CompactedIndex + (ulong)Entries.Count;

    /// <summary>Entries after the snapshot: what an <c>IRaftLog</c> whose first index is snapshot + 1 should hold.</summary>
    public IReadOnlyList<Entry> EntriesAfterSnapshot =>
        Snapshot.Index <= CompactedIndex ? Entries : Entries.Skip((int)(Snapshot.Index - CompactedIndex)).ToList();

    public override string ToString() =>
        $"group {GroupId}: {HardState}, snapshot {Snapshot.Index}/{Snapshot.Term}, compacted {CompactedIndex}/{CompactedTerm}, entries {FirstIndex}..{LastIndex}";
}
