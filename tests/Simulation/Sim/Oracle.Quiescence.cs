// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// Quiescence checks, after every tick. Rule: a leader goes quiet only with its whole log committed and on the disk of
/// every member. Consequence: a quiesced follower whose leader's node is down, paused or cut off from it wakes within
/// an election timeout of its own clock (plus delivery delay), so the group can elect again.
/// </summary>
public sealed partial class Oracle
{
    // (node, group) -> simulated tick since which a quiesced follower's leader has been unreachable.
    private readonly Dictionary<(ulong Node, ulong Group), long> _quietWithoutLeader = [];
    private readonly HashSet<(ulong Node, ulong Group)> _quietLeaders = [];

    public void CheckQuiescence()
    {
        foreach (var node in _sim.Nodes)
        {
            if (!node.Runnable(_sim.Now) || node.Host is not { } host)
            {
                // A stopped or paused follower counts nothing meanwhile (its coalesced ticks resume as one).
                foreach (var key in _quietWithoutLeader.Keys.Where(k => k.Node == node.Id).ToList()) _quietWithoutLeader.Remove(key);
                continue;
            }
            if (host.SparseTicks) Count("idle node on sparse ticks");
            foreach (var replica in host.Replicas)
            {
                var key = (node.Id, replica.GroupId);
                var raft = replica.Node;
                if (!raft.Quiesced)
                {
                    _quietWithoutLeader.Remove(key);
                    _quietLeaders.Remove(key);
                    continue;
                }
                if (raft.Lead == node.Id)
                {
                    if (_quietLeaders.Add(key)) CheckQuietLeader(node, replica);
                    continue;
                }
                CheckQuietFollower(node, replica, key);
            }
        }
    }

    private void CheckQuietLeader(SimNode node, GroupReplica replica)
    {
        Count("quiesced leader");
        var status = replica.Node.Status();
        var last = status.LastIndex;
        replica.Log.TryGetTerm(last, out var term);
        RuleCheck(status.HardState.Commit == last, "a leader quiesces only with its whole log committed",
            () => $"n{node.Id} g{replica.GroupId} quiesced with commit {status.HardState.Commit} below its last index {last}");
        foreach (var member in replica.Node.Members)
        {
            var disk = _sim.Nodes[(int)member - 1].Wal.Model;
            RuleCheck(disk.DurablyHas(replica.GroupId, last, term) || disk.DurableLastIndex(replica.GroupId) > last, "a leader quiesces only when every member holds its log",
                () => $"n{node.Id} g{replica.GroupId} quiesced at {term}/{last} but n{member}'s disk ends at {disk.DurableLastIndex(replica.GroupId)}");
        }
    }

    private void CheckQuietFollower(SimNode node, GroupReplica replica, (ulong, ulong) key)
    {
        var lead = replica.Node.Lead;
        var leader = lead == 0 ? null : _sim.Nodes[(int)lead - 1];
        var reachable = leader is not null && leader.Runnable(_sim.Now) && !_sim.Network.IsBlocked(lead, node.Id);
        if (reachable)
        {
            _quietWithoutLeader.Remove(key);
            return;
        }
        if (!_quietWithoutLeader.TryGetValue(key, out var since))
        {
            _quietWithoutLeader[key] = _sim.Now;
            return;
        }
        Count("quiesced follower without its leader");
        if (node.Host!.SparseTicks) Count("quiesced follower without its leader on sparse ticks");
        var bound = (long)Math.Ceiling((_sim.Options.ElectionTicks + 2) / node.ClockRate) + _sim.Options.MaxDelayTicks + 2;
        Check(_sim.Now - since <= bound, "a quiesced follower notices that its leader's node is gone",
            () => $"n{node.Id} g{replica.GroupId} is still quiesced {_sim.Now - since} ticks after its leader n{lead} became unreachable (bound {bound})");
    }
}
