// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Storage;

internal sealed partial class GroupLog
{
    /// <summary>Checks a staged append against the Raft rules storage can see; a violation is a caller bug.</summary>
    public void CheckEntries(IReadOnlyList<Entry> entries, int maxEntryDataBytes, bool rejectCommittedTruncation)
    {
        if (entries.Count == 0) throw new ArgumentException("no entries", nameof(entries));
        var first = entries[0].Index;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Index != first + (ulong)i) throw new ArgumentException($"group {GroupId}: entries not consecutive at {entries[i].Index}", nameof(entries));
            if (entries[i].Data.Length > maxEntryDataBytes) throw new ArgumentException($"group {GroupId}: entry {entries[i].Index} has {entries[i].Data.Length} bytes, over the {maxEntryDataBytes}-byte limit", nameof(entries));
        }

        if (first == 0 || first > LastIndex + 1) throw new InvalidOperationException($"group {GroupId}: entries from {first} leave a gap after the last index {LastIndex}");
        if (first <= Math.Max(CompactedIndex, Snapshot.Index)) throw new InvalidOperationException($"group {GroupId}: entries from {first} would overwrite the snapshot/compacted prefix up to {Math.Max(CompactedIndex, Snapshot.Index)}");

        // Raft never truncates a committed entry (pitfall 10); doing so here would lose acknowledged data.
        if (rejectCommittedTruncation && first <= LastIndex && first <= HardState.Commit) throw new InvalidOperationException($"group {GroupId}: entries from {first} would truncate committed entries (commit {HardState.Commit})");
    }

    public void CheckSnapshot(SnapshotMetadata metadata)
    {
        if (metadata.IsEmpty) throw new ArgumentException("empty snapshot metadata", nameof(metadata));
        if (metadata.Index < Snapshot.Index) throw new InvalidOperationException($"group {GroupId}: snapshot {metadata.Index} is older than the durable snapshot {Snapshot.Index} (pitfall 12)");
    }

    /// <summary>The term of the compaction target, which must be covered by a durable snapshot.</summary>
    public ulong CheckCompact(ulong index)
    {
        if (index > Snapshot.Index) throw new InvalidOperationException($"group {GroupId}: cannot compact to {index} past the durable snapshot {Snapshot.Index}");
        if (index == Snapshot.Index) return Snapshot.Term;
        if (!TryGetTerm(index, out var term)) throw new InvalidOperationException($"group {GroupId}: index {index} is not in the log ({CompactedIndex}..{LastIndex})");
        return term;
    }
}
