// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;
using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>Hands each stage of a node's production host loop to the oracle, with the replica it concerns.</summary>
internal sealed class NodeObserver(Simulator sim, SimNode node) : IHostObserver
{
    public void ReadyTaken(GroupReplica replica, Ready ready) => sim.Oracle.BeforePersist(node, node.View(replica), ready);

    public void Persisted(GroupReplica replica, Ready ready) => sim.Oracle.AfterPersist(node, node.View(replica), ready);

    public void Applying(GroupReplica replica, Entry entry) => sim.Oracle.OnApply(node, node.View(replica), entry);

    public void Applied(GroupReplica replica, Entry entry, CommandResult result) => sim.Oracle.OnApplied(node, node.View(replica), entry, result);

    public void Advanced(GroupReplica replica) => sim.Oracle.AfterAdvance(node, node.View(replica));

    public void SnapshotInstalled(GroupReplica replica, Snapshot snapshot)
    {
        sim.CountSnapshot();
        sim.Oracle.OnSnapshotInstalled(node, node.View(replica), snapshot);
    }

    public void SnapshotTaken(GroupReplica replica, SnapshotMetadata metadata, byte[] data)
    {
        sim.CountSnapshot();
        sim.Oracle.OnSnapshotCreated(node, node.View(replica), metadata, data);
    }
}
