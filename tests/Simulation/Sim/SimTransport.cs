// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// A node's peer transport over the simulated <see cref="Network"/>. Every message the production host sends
/// passes the oracle first; nothing is held here: the host itself keeps what must wait for its fsync. In a
/// membership run it keeps the production transport's rules: a node sends only to peers whose address it was given
/// (<see cref="SetPeer"/>), and a receiver admits a sender by the node's admission rule, telling a removed sender so.
/// </summary>
public sealed class SimTransport(Simulator sim, SimNode node) : IPeerTransport
{
    private readonly SortedDictionary<ulong, string> _peers = [];
    private Func<ulong, PeerAdmission>? _admission;
    private Action<ulong, string>? _removed;

    public ulong NodeId => node.Id;

    public Task StartAsync(IPeerMessageSink sink, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The peers this node has an address for (a membership run's transport knows only those).</summary>
    public IReadOnlyDictionary<ulong, string> Peers => _peers;

    /// <summary>A membership run: the node's admission rule and removal callback, as the production node hands them to TCP.</summary>
    public void Connect(Func<ulong, PeerAdmission> admission, Action<ulong, string> removed)
    {
        // A (re)started process's transport knows no peer address yet: the node tells it what its identity and
        // recovered record name, as production builds a fresh TCP transport per process.
        _peers.Clear();
        _admission = admission;
        _removed = removed;
    }

    public void SetPeer(ulong nodeId, string address) => _peers[nodeId] = address;

    public void RemovePeer(ulong nodeId) => _peers.Remove(nodeId);

    /// <summary>
    /// A frame from <paramref name="from"/> arrives: admitted by this node's rule, or refused, and a sender refused as
    /// removed is told so (as the TCP handshake does).
    /// </summary>
    public bool Admits(ulong from, SimTransport sender)
    {
        if (_admission is null) return true;
        var verdict = _admission(from);
        if (verdict.Kind == PeerAdmissionKind.Removed) sender._removed?.Invoke(node.Id, verdict.Reason);
        return verdict.IsAdmitted;
    }

    public bool Send(ulong toNode, IReadOnlyList<GroupMessage> batch)
    {
        if (toNode == 0 || toNode > (ulong)sim.Nodes.Count) return false;
        // Sent to the address this node knows for the peer; none known, nothing leaves (unreachable).
        if (_admission is not null && (!_peers.TryGetValue(toNode, out var address) || SimNode.IdOf(address) != toNode)) return false;
        foreach (var message in batch) Transmit(toNode, message);
        // Like a TCP connection that is refused: the host reports the peer unreachable to Raft.
        return !sim.Network.IsBlocked(node.Id, toNode);
    }

    public bool IsConnected(ulong nodeId) => !sim.Network.IsBlocked(node.Id, nodeId);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Transmit(ulong to, GroupMessage message)
    {
        var m = message.Message;
        sim.Oracle.OnSend(node, message.GroupId, m);
        if (node.SyncPending) sim.Oracle.Count("sent while the fsync runs");
        var delivered = sim.Network.Send(node.Id, to, message, sim.Now);
        sim.Trace.Add(sim.Now, 30 + (ulong)m.Type, m.From, m.To, m.Term, m.Index * 1000 + (ulong)m.Entries.Count, () => $"g{message.GroupId} send {m}{(delivered ? "" : " [DROPPED]")}");
    }
}
