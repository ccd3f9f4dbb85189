// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

public sealed partial class Oracle
{
    /// <summary>State machine safety: applies are consecutive, committed, and the first content applied at an index is the only one.</summary>
    public void OnApply(SimNode node, Replica r, Entry e)
    {
        Check(e.Index == r.Sm.Applied + 1, "apply in order", () => $"n{node.Id} g{r.Group} applies {e.Index} after {r.Sm.Applied}");
        Check(e.Index <= r.Commit, "apply only committed", () => $"n{node.Id} g{r.Group} applies {e.Index} beyond its commit {r.Commit}");
        var truth = Group(r.Group);
        var hash = ContentHash(e);
        if (truth.FirstApplied.TryGetValue(e.Index, out var first))
        {
            Check(first.Term == e.Term && first.Hash == hash, "state machine safety",
                () => $"n{node.Id} g{r.Group} applies {e} at {e.Index}, but term {first.Term} with other content was applied there before");
        }
        else
        {
            Count("state machine safety");
            truth.FirstApplied[e.Index] = (e.Term, hash);
        }
    }

    /// <summary>No phantoms: every command applied was issued, byte for byte, by a client.</summary>
    public void CheckIssued(SimNode node, Replica r, Entry e, in KvCommand command)
    {
        var c = command;
        Check(_sim.Workload.WasIssued(command), "no phantom commands", () => $"n{node.Id} g{r.Group} applies {e} = {c} which no client issued");
    }

    public void AfterAdvance(SimNode node, Replica r)
    {
        Check(r.Sm.Applied <= r.Commit && r.Commit <= r.Log.LastIndex, "applied <= commit <= last",
            () => $"n{node.Id} g{r.Group} applied {r.Sm.Applied} commit {r.Commit} last {r.Log.LastIndex}");
    }

    /// <summary>
    /// Votes and append acknowledgements leave a node only once what they promise is on its disk (pitfalls 4
    /// and 5), and no voter ever grants two candidates in one term, across restarts included.
    /// </summary>
    public void OnSend(SimNode node, ulong group, Message m)
    {
        if (m.Type == MessageType.VoteResponse && !m.Reject)
        {
            var durable = node.Disk.DurableHardState(group);
            RuleCheck(durable.Term == m.Term && durable.Vote == m.To, "vote persisted before it is sent",
                () => $"n{node.Id} g{group} grants its term-{m.Term} vote to n{m.To} but its disk holds {durable}");
            var votes = Group(group).Votes;
            if (votes.TryGetValue((m.Term, m.From), out var earlier))
                Check(earlier == m.To, "one vote per term per voter", () => $"n{m.From} g{group} voted for n{earlier} and then n{m.To} in term {m.Term}");
            else
            {
                Count("one vote per term per voter");
                votes[(m.Term, m.From)] = m.To;
            }
        }
        else if (m.Type == MessageType.AppendResponse && !m.Reject)
        {
            // The acknowledged entry must be durable, or have been durable since the node's restart: a follower
            // may acknowledge an entry it synced and that a newer leader overwrote meanwhile (the old leader can
            // no longer win a quorum with it), but never one that was not yet on its disk (pitfall 5).
            var durableNow = node.Disk.DurableLastIndex(group) >= m.Index;
            var leaderTerm = 0UL;
            var wasDurable = durableNow
                || _sim.Nodes[(int)m.To - 1].Replicas.TryGetValue(group, out var leader) is false
                || !leader.Log.TryGetTerm(m.Index, out leaderTerm)
                || (node.EverDurable.TryGetValue(group, out var ever) && ever.Contains((m.Index, leaderTerm)));
            RuleCheck(wasDurable, "append acknowledged only when durable",
                () => $"n{node.Id} g{group} acknowledges index {m.Index} (term {leaderTerm} at n{m.To}) to n{m.To} but its disk ends at {node.Disk.DurableLastIndex(group)} and never held it");
        }
    }

    /// <summary>Durable term never goes back, and the durable vote of a term never changes once cast.</summary>
    public void OnSynced(SimNode node)
    {
        foreach (var group in node.Replicas.Keys)
        {
            var now = node.Disk.DurableHardState(group);
            if (_durable.TryGetValue((node.Id, group), out var before))
            {
                Check(now.Term > before.Term || (now.Term == before.Term && (before.Vote == 0 || now.Vote == before.Vote)), "durable term and vote never go back",
                    () => $"n{node.Id} g{group} durable hard state went from {before} to {now}");
            }

            _durable[(node.Id, group)] = now;
        }
    }

    public void OnRestart(SimNode node, Replica r, RecoveredGroup recovered)
    {
        if (_durable.TryGetValue((node.Id, r.Group), out var before))
        {
            Check(recovered.HardState.Term == before.Term && recovered.HardState.Vote == before.Vote, "restart recovers the durable hard state",
                () => $"n{node.Id} g{r.Group} recovered {recovered.HardState} but {before} was synced");
        }
    }

    /// <summary>An acknowledged write is on the disks of a quorum (of the configuration before or after the serving node's last change).</summary>
    public void CheckAckDurable(SimNode node, Replica r, Entry e)
    {
        bool Durable(ulong id) => _sim.Nodes[(int)id - 1].Disk.DurablyHas(r.Group, e.Index, e.Term);
        Check(HasQuorum(r.Conf, Durable) || HasQuorum(r.PrevConf, Durable), "acknowledged write durable on a quorum",
            () => $"n{node.Id} g{r.Group} acknowledges {e} but only nodes [{string.Join(',', r.Conf.Voters.Concat(r.Conf.VotersOutgoing).Distinct().Where(Durable))}] of {r.Conf} have it on disk");
    }

    /// <summary>Read safety: a read is served at an index at least the commit index the group had when the read was invoked.</summary>
    public void CheckRead(SimNode node, Replica r, ReadState rs, ulong floor)
    {
        Check(rs.Index >= floor, "read safety", () => $"n{node.Id} g{r.Group} read #{rs.RequestId} confirmed at index {rs.Index}, but {floor} was committed when it was invoked");
    }

    public void OnSnapshotCreated(SimNode node, Replica r, Snapshot snapshot) => RecordSnapshot(node, r, snapshot, "created");

    public void OnSnapshotInstalled(SimNode node, Replica r, Snapshot snapshot)
    {
        var truth = Group(r.Group);
        Check(truth.CommittedTerm.TryGetValue(snapshot.Metadata.Index, out var term) && term == snapshot.Metadata.Term, "snapshot holds committed state",
            () => $"n{node.Id} g{r.Group} installs snapshot {snapshot.Metadata.Term}/{snapshot.Metadata.Index} that is not a committed entry");
        RecordSnapshot(node, r, snapshot, "installed");
    }

    private void RecordSnapshot(SimNode node, Replica r, Snapshot snapshot, string how)
    {
        var truth = Group(r.Group);
        var hash = Fnv.Hash(snapshot.Data.Span);
        if (truth.SnapshotHash.TryGetValue(snapshot.Metadata.Index, out var known))
            Check(known == hash, "snapshots at one index agree", () => $"n{node.Id} g{r.Group} {how} a snapshot at {snapshot.Metadata.Index} whose state differs from another node's");
        else truth.SnapshotHash[snapshot.Metadata.Index] = hash;
    }
}
