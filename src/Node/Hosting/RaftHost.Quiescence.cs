// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Node liveness for quiesced groups (src/Raft/Core/Raft.Quiescence.cs). A quiesced group sends nothing, so a follower
/// can no longer tell a dead leader from an idle one by the group's own heartbeats. Instead every node makes sure each
/// peer it shares a group with hears from it at least every <see cref="HostOptions.LivenessTicks"/> ticks: any frame
/// counts, and when nothing else went to that peer a one-message liveness frame does (one per peer, whatever the number
/// of groups). At each tick a quiesced follower whose leader's node was silent for an election timeout, or a quiesced
/// leader with a silent voter, is woken: the follower counts the silence as elapsed election ticks and elects as it
/// would have without quiescence; the leader heartbeats and runs check-quorum again.
/// </summary>
public sealed partial class RaftHost
{
    /// <summary>The group id of node liveness frames: no Raft group has it, and the receiver steps no core for it.</summary>
    public const ulong LivenessGroup = ulong.MaxValue;

    private readonly Dictionary<ulong, long> _peerHeardTick = [];

    // Peers heard by frames of liveness messages only, noted off the loop; the loop takes them at its next tick.
    private readonly ConcurrentQueue<ulong> _heardOffLoop = new();
    private readonly Dictionary<ulong, long> _peerSentTick = [];
    private readonly HashSet<ulong> _livenessPeers = [];

    /// <summary>Groups quiesced on this node at the last tick (metrics).</summary>
    public int QuiescedGroups { get; private set; }

    private void NoteHeard(ulong node) => _peerHeardTick[node] = _ticks;

    /// <summary>
    /// Takes a frame that holds liveness messages only without waking the loop: noting the peer heard is all the loop
    /// would do with it, and it is most of what an idle node receives. The loop notes it at its next tick, before
    /// counting that tick, so the peer counts as heard no earlier than it was: its silence is never overstated.
    /// </summary>
    private bool TryNoteLivenessOnly(ulong node, IReadOnlyList<GroupMessage> batch)
    {
        foreach (var (group, _) in batch)
        {
            if (group != LivenessGroup) return false;
        }
        _heardOffLoop.Enqueue(node);
        return true;
    }

    /// <summary>At a tick, before it is counted: the peers heard off the loop since the last one.</summary>
    private void NoteHeardOffLoop()
    {
        while (_heardOffLoop.TryDequeue(out var node)) NoteHeard(node);
    }

    private void NoteSent(ulong node) => _peerSentTick[node] = _ticks;

    /// <summary>At every tick, after the groups ticked: wake quiesced groups that depend on a silent node, then keep every peer hearing from this one.</summary>
    private void TickLiveness()
    {
        var quiesced = 0;
        _livenessPeers.Clear();
        foreach (var replica in _groups.Values)
        {
            var node = replica.Node;
            foreach (var member in node.Members)
            {
                if (member != NodeId) _livenessPeers.Add(member);
            }
            if (!node.Quiesced) continue;
            var silent = SilentTicks(node);
            if (silent > _options.ElectionTicks && (_options.PlantedBugs & PlantedBugs.QuiescedIgnoresLiveness) == 0) node.Unquiesce((int)Math.Min(silent, int.MaxValue));
            else quiesced++;
        }
        QuiescedGroups = quiesced;
        foreach (var peer in _livenessPeers)
        {
            if (_ticks - _peerSentTick.GetValueOrDefault(peer, long.MinValue / 2) < _options.LivenessTicks) continue;
            var sent = _transport.Send(peer, [new GroupMessage(LivenessGroup, new Message { Type = MessageType.Heartbeat, From = NodeId, To = peer })]);
            if (sent) NoteSent(peer);
        }
    }

    /// <summary>Ticks since the node this quiesced member depends on was last heard: its leader, or (leading) its quietest voter.</summary>
    private long SilentTicks(RawNode node)
    {
        var lead = node.Lead;
        if (lead != NodeId) return lead == 0 ? long.MaxValue : SilentTicks(lead);
        long silent = 0;
        foreach (var member in node.Members)
        {
            if (member != NodeId) silent = Math.Max(silent, SilentTicks(member));
        }
        return silent;
    }

    // A peer never heard since this host started counts as silent since then.
    private long SilentTicks(ulong peer) => _ticks - _peerHeardTick.GetValueOrDefault(peer, 0);
}
