// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Metadata;

namespace RaftCache.Simulation.Sim;

public sealed partial class Simulator
{
    /// <summary>
    /// The convergence invariant of a membership run, once everything is healed: the cluster record settled (every
    /// member active and running, none reported down, no move pending, every removed server gone), every shard has
    /// exactly the replication factor's voters, all members, as the record places them, no server still holds a
    /// replica it was moved off, and every member knows every other member's address. Equal applied index and state
    /// hash across each group's replicas is <see cref="Converged"/>'s part.
    /// </summary>
    private bool PlacementConverged(out string? why)
    {
        why = null;
        if (MetadataLeader() is not { } at)
        {
            why = "the metadata group has no running leader";
            return false;
        }
        var record = at.Cache!.Cluster;
        var live = Nodes.Where(n => n.Up && n.Cache is { IsMember: true } && record.Members.ContainsKey(n.Id)).ToList();
        // A member removed while it was cut off and sending nothing is never told (no peer can refuse it): such a server
        // stays out of every configuration below, which is what keeps it harmless.
        why = record.Members.Values.FirstOrDefault(m => m.State != MemberState.Active) is { } unsettled ? $"member n{unsettled.Id} is still {unsettled.State}"
            : !record.DownMembers.IsEmpty ? $"members reported down after healing: [{string.Join(',', record.DownMembers)}]"
            : !record.Targets.IsEmpty ? $"placement moves pending: {string.Join("; ", record.Targets.Select(t => $"shard {t.Key} -> [{string.Join(',', t.Value)}]"))}"
            : record.Members.Keys.FirstOrDefault(id => live.All(n => n.Id != id)) is var down and not 0 ? $"member n{down} is not running"
            : Nodes.FirstOrDefault(n => n.Gone && !record.RemovedIds.Contains(n.Id)) is { } gone ? $"n{gone.Id} ended as removed but the record does not remove it"
            : null;
        if (why is not null)
        {
            var metadataConf = at.Replicas.GetValueOrDefault(RaftCache.Node.Hosting.CacheNode.MetadataGroup)?.Conf;
            why += $"; placement {string.Join("; ", record.Placement.Select(p => $"shard {p.Key} on [{string.Join(',', p.Value)}]"))}"
                + $"; down [{string.Join(',', record.DownMembers)}]; metadata group {metadataConf}";
            return false;
        }

        for (var shard = 1; shard <= Options.Groups; shard++)
        {
            var leader = LeaderOf((ulong)shard);
            if (leader == 0)
            {
                why = $"shard {shard} has no leader";
                return false;
            }
            var conf = Nodes[(int)leader - 1].Replicas[(ulong)shard].Conf;
            var placed = record.Placement.GetValueOrDefault(shard);
            why = conf.IsJoint || !conf.Learners.IsEmpty ? $"shard {shard} is still changing its configuration ({conf})"
                : conf.Voters.Length != SimOptions.ReplicationFactor ? $"shard {shard} has {conf.Voters.Length} voters, not {SimOptions.ReplicationFactor}"
                : conf.Voters.FirstOrDefault(v => !record.Members.ContainsKey(v)) is var stray and not 0 ? $"shard {shard} has voter n{stray}, not a member"
                : placed.IsDefault || !placed.Order().SequenceEqual(conf.Voters.Order()) ? $"shard {shard} has voters [{string.Join(',', conf.Voters)}] but the record places it on [{(placed.IsDefault ? "" : string.Join(',', placed))}]"
                : live.FirstOrDefault(n => n.Replicas.ContainsKey((ulong)shard) && !conf.Voters.Contains(n.Id)) is { } kept ? $"n{kept.Id} still holds a replica of shard {shard}, which it was moved off"
                : null;
            if (why is not null) return false;
        }

        foreach (var node in live)
        {
            foreach (var member in record.Members.Values.Where(m => m.Id != node.Id))
            {
                if (node.Transport.Peers.GetValueOrDefault(member.Id) == member.PeerAddress) continue;
                why = $"n{node.Id} has no address for member n{member.Id} (knows {node.Transport.Peers.GetValueOrDefault(member.Id) ?? "none"})";
                return false;
            }
        }
        return true;
    }
}
