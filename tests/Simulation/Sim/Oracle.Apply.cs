// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using RaftCache.Node.Hosting;

namespace RaftCache.Simulation.Sim;

public sealed partial class Oracle
{
    /// <summary>
    /// State machine safety: applies are consecutive, committed, and the first content applied at an index is the
    /// only one; no phantoms: every client command applied was issued, byte for byte, by a client.
    /// </summary>
    public void OnApply(SimNode node, Replica r, Entry e)
    {
        Check(e.Index == r.Applied + 1, "apply in order", () => $"n{node.Id} g{r.Group} applies {e.Index} after {r.Applied}");
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

        if (e.Type == EntryType.ConfChange) r.PrevConf = r.Conf;
        if (e.Type == EntryType.Normal && e.Data.Length > 0 && r.Group == CacheNode.MetadataGroup)
        {
            // The metadata group's commands come from the nodes themselves (controller, reconciler, operators).
            Check(IsMetadataCommand(e.Data.Span), "no phantom commands", () => $"n{node.Id} g{r.Group} applies {e} which is no metadata command");
        }
        else if (e.Type == EntryType.Normal && e.Data.Length > 0)
        {
            Check(_sim.Workload.WasIssued(e.Data.Span), "no phantom commands", () => $"n{node.Id} g{r.Group} applies {e} which no client issued");
        }
    }

    /// <summary>The production state machine answered an applied client command: its first apply becomes ground truth.</summary>
    public void OnApplied(SimNode node, Replica r, Entry e, CommandResult result)
    {
        if (e.Type != EntryType.Normal || e.Data.Length == 0 || r.Group == CacheNode.MetadataGroup) return;
        Check(result.Cache is not null, "client commands apply", () => $"n{node.Id} g{r.Group} applied {e} and the state machine answered {result}");
        if (_sim.Writes.Record(r.Group, e, result.Cache!.Value, out var command, out var answer)) _sim.Workload.OnApplied(command, answer);
    }

    private static bool IsMetadataCommand(ReadOnlySpan<byte> data)
    {
        try
        {
            Node.Metadata.MetadataCommand.Decode(data);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    public void AfterAdvance(SimNode node, Replica r)
    {
        Check(r.Applied <= r.Commit && r.Commit <= r.Log.LastIndex, "applied <= commit <= last",
            () => $"n{node.Id} g{r.Group} applied {r.Applied} commit {r.Commit} last {r.Log.LastIndex}");
    }

    /// <summary>
    /// Votes and append acknowledgements leave a node only once what they promise is on its disk (docs/raft.md
    /// pitfalls 4 and 5), and no voter ever grants two candidates in one term, across restarts included.
    /// </summary>
    public void OnSend(SimNode node, ulong group, Message m)
    {
        var disk = node.Wal.Model;
        if (m.Type == MessageType.VoteResponse && !m.Reject)
        {
            var durable = disk.DurableHardState(group);
            // A later durable term covers the vote too: after a restart the node rejects every request of an older term
            // (one Ready may grant votes in two terms when the host stepped both requests before persisting).
            RuleCheck(durable.Term > m.Term || (durable.Term == m.Term && durable.Vote == m.To), "vote persisted before it is sent",
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
            // no longer win a quorum with it), but never one that was not yet on its disk.
            var durableNow = disk.DurableLastIndex(group) >= m.Index;
            var leaderTerm = 0UL;
            var wasDurable = durableNow
                || _sim.Nodes[(int)m.To - 1].Replicas.TryGetValue(group, out var leader) is false
                || !leader.Log.TryGetTerm(m.Index, out leaderTerm)
                || (node.EverDurable.TryGetValue(group, out var ever) && ever.Contains((m.Index, leaderTerm)));
            RuleCheck(wasDurable, "append acknowledged only when durable",
                () => $"n{node.Id} g{group} acknowledges index {m.Index} (term {leaderTerm} at n{m.To}) to n{m.To} but its disk ends at {disk.DurableLastIndex(group)} and never held it");
        }
    }

    public void OnReplicaDropped(SimNode node, ulong group) => _durable.Remove((node.Id, group));

    /// <summary>Durable term never goes back, and the durable vote of a term never changes once cast.</summary>
    public void OnSynced(SimNode node)
    {
        foreach (var group in node.Replicas.Keys)
        {
            if (!node.Wal.Model.DurablyHolds(group)) continue;
            var now = node.Wal.Model.DurableHardState(group);
            if (_durable.TryGetValue((node.Id, group), out var before))
            {
                Check(now.Term > before.Term || (now.Term == before.Term && (before.Vote == 0 || now.Vote == before.Vote)), "durable term and vote never go back",
                    () => $"n{node.Id} g{group} durable hard state went from {before} to {now}");
            }

            _durable[(node.Id, group)] = now;
        }
    }

    public void OnRestart(SimNode node, RecoveredGroup recovered)
    {
        if (_durable.TryGetValue((node.Id, recovered.Group), out var before))
        {
            Check(recovered.HardState.Term == before.Term && recovered.HardState.Vote == before.Vote, "restart recovers the durable hard state",
                () => $"n{node.Id} g{recovered.Group} recovered {recovered.HardState} but {before} was synced");
        }
    }

    /// <summary>An acknowledged write is on the disks of a quorum (of the configuration before or after the serving node's last change).</summary>
    public void CheckAckDurable(SimNode node, Replica r, ulong index, ulong term)
    {
        bool Durable(ulong id) => _sim.Nodes[(int)id - 1].Wal.Model.DurablyHas(r.Group, index, term);
        Check(HasQuorum(r.Conf, Durable) || HasQuorum(r.PrevConf, Durable), "acknowledged write durable on a quorum",
            () => $"n{node.Id} g{r.Group} acknowledges {term}/{index} but only nodes [{string.Join(',', r.Conf.Voters.Concat(r.Conf.VotersOutgoing).Distinct().Where(Durable))}] of {r.Conf} have it on disk");
    }

    /// <summary>Read safety: a read is served from a state that applied at least what was committed when the read was invoked.</summary>
    public void CheckRead(SimNode node, Replica r, ulong floor)
    {
        Check(r.Applied >= floor, "read safety", () => $"n{node.Id} g{r.Group} serves a read at applied index {r.Applied}, but {floor} was committed when it was invoked");
    }

    /// <summary>The production state machine's answer to a read, checked against the writes applied up to its index.</summary>
    public KvResult ReadValue(SimNode node, Replica r, string key)
    {
        var expected = _sim.Writes.StateAt(r.Group, key, r.Applied);
        var found = r.Sm.TryGet(SimNode.KeyBytes(key), _sim.NowMs, out var entry);
        var value = found ? System.Text.Encoding.UTF8.GetString(entry.Value.Span) : null;
        Check(found == expected.Exists && (!found || (value == expected.Value && entry.Version == expected.Index)), "reads return the applied state",
            () => $"n{node.Id} g{r.Group} reads {key} = {(found ? $"'{value}' v{entry.Version}" : "absent")} at applied {r.Applied}, but the writes applied up to it leave {expected}");
        return new KvResult(expected.Exists, expected.Value, expected.Count);
    }

    public void OnSnapshotCreated(SimNode node, Replica r, SnapshotMetadata metadata, byte[] data) => RecordSnapshot(node, r, metadata.Index, data, "created");

    public void OnSnapshotInstalled(SimNode node, Replica r, Snapshot snapshot)
    {
        r.PrevConf = r.Conf;
        var truth = Group(r.Group);
        Check(truth.CommittedTerm.TryGetValue(snapshot.Metadata.Index, out var term) && term == snapshot.Metadata.Term, "snapshot holds committed state",
            () => $"n{node.Id} g{r.Group} installs snapshot {snapshot.Metadata.Term}/{snapshot.Metadata.Index} that is not a committed entry");
        RecordSnapshot(node, r, snapshot.Metadata.Index, snapshot.Data.Span, "installed");
    }

    private void RecordSnapshot(SimNode node, Replica r, ulong index, ReadOnlySpan<byte> data, string how)
    {
        var truth = Group(r.Group);
        var hash = Replica.SnapshotHash(r.Group, data);
        if (truth.SnapshotHash.TryGetValue(index, out var known))
            Check(known == hash, "snapshots at one index agree", () => $"n{node.Id} g{r.Group} {how} a snapshot at {index} whose state differs from another node's");
        else truth.SnapshotHash[index] = hash;
    }
}
