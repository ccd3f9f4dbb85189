// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// The node's log: persisted entries (seen through <see cref="IRaftLog"/>) followed by unstable ones,
/// plus the commit, applying and applied cursors. Invariant: applied ≤ applying ≤ committed ≤ last index.
/// </summary>
internal sealed partial class RaftLog
{
    private readonly IRaftLog _storage;
    private readonly string _who;

    public RaftLog(IRaftLog storage, ulong nodeId)
    {
        _storage = storage;
        _who = $"node {nodeId}";
        var first = storage.FirstIndex;
        var last = storage.LastIndex;
        Unstable = new Unstable(last + 1);
        Committed = first - 1;
        Applying = first - 1;
        Applied = first - 1;
    }

    public Unstable Unstable { get; }

    /// <summary>Highest index known committed (Raft §5.3).</summary>
    public ulong Committed { get; private set; }

    /// <summary>Highest index handed to the host for applying.</summary>
    public ulong Applying { get; private set; }

    /// <summary>Highest index the host acknowledged as applied.</summary>
    public ulong Applied { get; private set; }

    /// <summary>Set by tests that plant a bug which must be allowed to corrupt the log instead of failing fast.</summary>
    public bool AllowCommittedTruncation { get; init; }

    public ulong FirstIndex => Unstable.MaybeFirstIndex() ?? _storage.FirstIndex;

    public ulong LastIndex => Unstable.MaybeLastIndex() ?? _storage.LastIndex;

    /// <summary>The last index that is persisted and still part of this log (the leader's own durable match).</summary>
    public ulong StableLastIndex => Unstable.Offset - 1;

    public ulong LastTerm
    {
        get
        {
            if (!TryTerm(LastIndex, out var term))
                throw new RaftInvariantException($"{_who}: term of the last index {LastIndex} is unavailable");
            return term;
        }
    }

    /// <summary>Term of <paramref name="index"/>; false if compacted or beyond the last index.</summary>
    public bool TryTerm(ulong index, out ulong term)
    {
        if (Unstable.TryTerm(index, out term)) return true;
        if (index + 1 < FirstIndex || index > LastIndex)
        {
            term = 0;
            return false;
        }

        // Indexes at or beyond the unstable offset that the unstable part does not know are gone (truncated).
        if (index >= Unstable.Offset)
        {
            term = 0;
            return false;
        }

        if (index == 0)
        {
            term = 0;
            return true;
        }

        return _storage.TryGetTerm(index, out term);
    }

    public ulong TermOrZero(ulong index) => TryTerm(index, out var term) ? term : 0;

    public bool MatchTerm(ulong index, ulong term) => TryTerm(index, out var t) && t == term;

    /// <summary>Raft §5.4.1: a candidate's log is at least as up to date as ours.</summary>
    public bool IsUpToDate(ulong lastIndex, ulong term) =>
        term > LastTerm || (term == LastTerm && lastIndex >= LastIndex);

    public Snapshot? Snapshot() => Unstable.Snapshot ?? _storage.Snapshot();

    public bool HasNextOrInProgressSnapshot => Unstable.Snapshot is not null;

    public void CommitTo(ulong toCommit)
    {
        if (toCommit <= Committed) return;
        if (toCommit > LastIndex)
        {
            if (AllowCommittedTruncation)
            {
                toCommit = LastIndex;
                if (toCommit <= Committed) return;
            }
            else
            {
                throw new RaftInvariantException(
                    $"{_who}: commit {toCommit} is beyond the last index {LastIndex}; was the log corrupted, truncated or lost?");
            }
        }

        Committed = toCommit;
    }

    /// <summary>Commits through <paramref name="index"/> if its term is <paramref name="term"/> (Raft §5.4.2).</summary>
    public bool MaybeCommit(ulong index, ulong term, bool ignoreTerm)
    {
        if (index <= Committed) return false;
        if (!ignoreTerm && !MatchTerm(index, term)) return false;
        CommitTo(index);
        return true;
    }

    public void AppliedTo(ulong index)
    {
        if (index == 0) return;
        if (index < Applied || (index > Committed && !AllowCommittedTruncation))
            throw new RaftInvariantException($"{_who}: applied {index} out of range [prev applied {Applied}, committed {Committed}]");
        Applied = index;
        Applying = Math.Max(Applying, index);
    }

    public void AcceptApplying(ulong index) => Applying = Math.Max(Applying, index);

    public void StableTo(ulong index, ulong term) => Unstable.StableTo(index, term);

    public void StableSnapTo(ulong index) => Unstable.StableSnapTo(index);

    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Metadata.Index;
        Applying = Math.Max(Applying, Committed);
        Unstable.Restore(snapshot);
    }
}
