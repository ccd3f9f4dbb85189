// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

public sealed partial class Oracle
{
    /// <summary>Checks a Ready before the host persists it: terms and commit only move forward, leaders only append, nothing committed is cut.</summary>
    public void BeforePersist(SimNode node, Replica r, Ready ready)
    {
        var truth = Group(r.Group);
        r.WasLeader = r.Role == RaftRole.Leader;
        r.PreviousCommit = r.Commit;
        r.BecameLeader = false;
        if (ready.HardState is { } hs)
        {
            Check(hs.Term >= r.Term, "term monotonic", () => $"n{node.Id} g{r.Group} term went from {r.Term} to {hs.Term}");
            Check(hs.Commit >= r.Commit, "monotonic commit", () => $"n{node.Id} g{r.Group} commit went from {r.Commit} to {hs.Commit}");
            if (hs.Term != r.Term) r.WasLeader = false;
            r.Term = hs.Term;
            r.Commit = hs.Commit;
        }

        if (ready.SoftState is { } ss)
        {
            r.BecameLeader = ss.Role == RaftRole.Leader && !r.WasLeader;
            if (ss.Role != RaftRole.Leader) r.WasLeader = false;
            r.Role = ss.Role;
            r.Lead = ss.Leader;
            var term = r.Term;
            _sim.Trace.Add(_sim.Now, 40, node.Id, r.Group, (ulong)ss.Role, term, () => $"n{node.Id} g{r.Group} becomes {ss.Role} term {term} (leader {ss.Leader})");
        }

        if (ready.Entries.Count == 0) return;
        var first = ready.Entries[0].Index;
        if (r.Role == RaftRole.Leader)
        {
            Check(first == r.Log.LastIndex + 1, "leader append-only", () => $"leader n{node.Id} g{r.Group} term {r.Term} writes from {first} over its log ending at {r.Log.LastIndex}");
        }

        if (r.Role == RaftRole.Leader)
        {
            Check(ready.Entries.All(e => e.Term == r.Term), "leader appends only its own term", () => $"leader n{node.Id} g{r.Group} term {r.Term} appends {string.Join(", ", ready.Entries)}");
        }

        // Entries this Ready removes or overwrites must never be committed ones (pitfall 10).
        for (var i = Math.Max(first, r.Log.FirstIndex); i <= r.Log.LastIndex; i++)
        {
            r.Log.TryGetTerm(i, out var oldTerm);
            var offset = i - first;
            var replaced = offset < (ulong)ready.Entries.Count ? ready.Entries[(int)offset].Term : 0;
            if (replaced == oldTerm) continue;
            var index = i;
            Check(!(truth.CommittedTerm.TryGetValue(i, out var committed) && committed == oldTerm), "committed entry never truncated",
                () => $"n{node.Id} g{r.Group} removes committed entry {oldTerm}/{index} (replaced by term {replaced}; appending from {first}, log last {r.Log.LastIndex}, node commit {r.PreviousCommit})");
        }
    }

    /// <summary>Checks what the Ready persisted: log matching, committed entries, the commit rule, and a new leader's credentials.</summary>
    public void AfterPersist(SimNode node, Replica r, Ready ready)
    {
        var truth = Group(r.Group);
        foreach (var e in ready.Entries) CheckLogMatching(node, r, truth, e);
        Check(r.Commit <= r.Log.LastIndex, "commit within log", () => $"n{node.Id} g{r.Group} commit {r.Commit} beyond last index {r.Log.LastIndex}");
        if (r.Commit > r.PreviousCommit) RecordCommit(node, r, truth);
        if (r.BecameLeader) CheckNewLeader(node, r, truth);
        if (r.Role == RaftRole.Leader && ready.Entries.Any(e => e.Type == EntryType.ConfChange)) CheckOneConfChange(node, r, ready);
    }

    private void CheckLogMatching(SimNode node, Replica r, GroupTruth truth, Entry e)
    {
        ulong prevChain = 0;
        if (e.Index > 1 && r.Log.TryGetTerm(e.Index - 1, out var prevTerm))
        {
            // A predecessor in this node's log that no AfterPersist ever showed: its fsync completed and the node crashed
            // before its loop heard back (the pipelined loop), and the restarted node recovered it from disk. Learn it
            // from the log first; otherwise this entry's chain would be recorded from nothing and every other node's
            // correct copy would then look like a different history.
            if (!truth.Entries.ContainsKey((e.Index - 1, prevTerm)) && e.Index - 1 >= r.Log.FirstIndex)
                CheckLogMatching(node, r, truth, r.Log.Entries(e.Index - 1, e.Index, long.MaxValue)[0]);
            if (truth.Entries.TryGetValue((e.Index - 1, prevTerm), out var prev)) prevChain = prev.Chain;
        }
        var content = ContentHash(e);
        var chain = Fnv.Mix(Fnv.Mix(Fnv.Mix(prevChain, e.Index), e.Term), content);
        if (truth.Entries.TryGetValue((e.Index, e.Term), out var known))
        {
            Check(known.Content == content, "log matching", () => $"n{node.Id} g{r.Group} entry {e} differs in content from another node's {e.Term}/{e.Index}");
            Check(prevChain == 0 || known.Chain == chain, "log matching", () => $"n{node.Id} g{r.Group} entry {e} matches another node's (index, term) but their logs before it differ");
        }
        else
        {
            Count("log matching");
            truth.Entries[(e.Index, e.Term)] = (content, chain);
        }
    }

    private void RecordCommit(SimNode node, Replica r, GroupTruth truth)
    {
        for (var i = Math.Max(r.PreviousCommit + 1, r.Log.FirstIndex - 1); i <= r.Commit; i++)
        {
            if (!r.Log.TryGetTerm(i, out var term)) continue;
            var index = i;
            if (truth.CommittedTerm.TryGetValue(i, out var known))
                Check(known == term, "committed entries never change", () => $"n{node.Id} g{r.Group} commits {term}/{index} but {known}/{index} was committed before");
            else truth.CommittedTerm[i] = term;
            if (!truth.CommittedInTerm.TryGetValue(i, out var seenIn) || r.Term < seenIn) truth.CommittedInTerm[i] = r.Term;
        }

        if (r.Commit > truth.CommitIndex) truth.CommitIndex = r.Commit;

        // Raft §5.4.2: a leader advances its commit index only through an entry of its current term.
        if (r.WasLeader && r.Role == RaftRole.Leader && r.Log.TryGetTerm(r.Commit, out var commitTerm))
        {
            RuleCheck(commitTerm == r.Term, "leader commits only current-term entries (§5.4.2)",
                () => $"leader n{node.Id} g{r.Group} term {r.Term} advanced commit {r.PreviousCommit} -> {r.Commit} through an entry of term {commitTerm}");
        }
    }

    private void CheckNewLeader(SimNode node, Replica r, GroupTruth truth)
    {
        var known = truth.LeaderOfTerm.TryGetValue(r.Term, out var other) ? other : 0;
        Check(known == 0 || known == node.Id, "election safety", () => $"g{r.Group} term {r.Term} has two leaders: n{known} and n{node.Id}");
        truth.LeaderOfTerm[r.Term] = node.Id;
        Check(r.Conf.Voters.Contains(node.Id) || r.Conf.VotersOutgoing.Contains(node.Id), "removed node never leads",
            () => $"n{node.Id} leads g{r.Group} term {r.Term} but is not a voter of its configuration {r.Conf}");
        // Raft §5.4: an entry committed in term t is in the log of every leader of a term later than t. A
        // stale candidate may still win an old term after newer entries were committed; that is no violation.
        for (var i = r.Log.FirstIndex; i <= truth.CommitIndex; i++)
        {
            if (!truth.CommittedTerm.TryGetValue(i, out var committed) || truth.CommittedInTerm[i] >= r.Term) continue;
            var term = r.Log.TryGetTerm(i, out var t) ? t : 0;
            var index = i;
            Check(term == committed, "leader completeness", () => $"new leader n{node.Id} g{r.Group} term {r.Term} has {(term == 0 ? "nothing" : $"{term}/{index}")} but {committed}/{index} was committed in term {truth.CommittedInTerm[index]}");
        }
    }

    private void CheckOneConfChange(SimNode node, Replica r, Ready ready)
    {
        // Only one configuration change may be unapplied at a time (pitfall 6): when a leader appends one,
        // no other change may sit in its log above its applied index.
        foreach (var e in ready.Entries.Where(e => e.Type == EntryType.ConfChange))
        {
            for (var i = Math.Max(r.Applied + 1, r.Log.FirstIndex); i < e.Index; i++)
            {
                var pending = r.Log.Entries(i, i + 1, long.MaxValue)[0];
                var index = i;
                Check(pending.Type != EntryType.ConfChange, "one configuration change at a time",
                    () => $"leader n{node.Id} g{r.Group} appends conf change at {e.Index} while the one at {index} is unapplied (applied {r.Applied})");
            }
        }
    }
}
