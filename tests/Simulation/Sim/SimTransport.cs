// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// A node's peer transport over the simulated <see cref="Network"/>. Every message the production host sends
/// passes the oracle first; while the node waits for a delayed sync, what it sends is held and leaves when the
/// sync completes (a synchronous host sends those only after its fsync returned).
/// </summary>
public sealed class SimTransport(Simulator sim, SimNode node) : IPeerTransport
{
    private readonly List<(ulong To, GroupMessage Message)> _held = [];

    public ulong NodeId => node.Id;

    public Task StartAsync(IPeerMessageSink sink, CancellationToken cancellationToken) => Task.CompletedTask;

    public void SetPeer(ulong nodeId, string address)
    {
    }

    public void RemovePeer(ulong nodeId)
    {
    }

    public bool Send(ulong toNode, IReadOnlyList<GroupMessage> batch)
    {
        if (toNode == 0 || toNode > (ulong)sim.Nodes.Count) return false;
        foreach (var message in batch)
        {
            if (node.Wal.SyncPending) _held.Add((toNode, message));
            else Transmit(toNode, message);
        }
        // Like a TCP connection that is refused: the host reports the peer unreachable to Raft.
        return !sim.Network.IsBlocked(node.Id, toNode);
    }

    /// <summary>The delayed sync completed: what was sent after it leaves now.</summary>
    public void ReleaseHeld()
    {
        foreach (var (to, message) in _held) Transmit(to, message);
        _held.Clear();
    }

    /// <summary>A crash loses what never left.</summary>
    public void DropHeld() => _held.Clear();

    public bool IsConnected(ulong nodeId) => !sim.Network.IsBlocked(node.Id, nodeId);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Transmit(ulong to, GroupMessage message)
    {
        var m = message.Message;
        sim.Oracle.OnSend(node, message.GroupId, m);
        var delivered = sim.Network.Send(node.Id, to, message, sim.Now);
        sim.Trace.Add(sim.Now, 30 + (ulong)m.Type, m.From, m.To, m.Term, m.Index * 1000 + (ulong)m.Entries.Count, () => $"g{message.GroupId} send {m}{(delivered ? "" : " [DROPPED]")}");
    }
}
