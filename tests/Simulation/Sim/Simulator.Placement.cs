// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;
using RaftCache.Node.Metadata;

namespace RaftCache.Simulation.Sim;

public sealed partial class Simulator
{
    /// <summary>An add-member request waits this long for the metadata group's answer before the operator gives up (and may retry).</summary>
    private const int JoinTimeoutTicks = 100;

    private readonly List<PendingJoin> _joins = [];
    private int _joinsDone;
    private int _drains;

    private sealed record PendingJoin(SimNode Joiner, SimNode At, Task<ProposalOutcome> Outcome, long Deadline);

    /// <summary>
    /// An operator adds a waiting server, as POST /admin/members does: the metadata leader records it as joining
    /// (<see cref="AddMemberCommand"/>, the server's id requested), and once that applied the server accepts the
    /// offer of its id and the members' addresses. The placement controller does the rest.
    /// </summary>
    private void Join()
    {
        var waiting = Nodes.Where(n => n.Waiting && _joins.All(j => j.Joiner != n)).ToList();
        if (waiting.Count == 0 || MetadataLeader() is not { } at) return;
        var joiner = waiting[Random.Next(waiting.Count)];
        Trace.Note(Now, $"JOIN n{joiner.Id} proposed at metadata leader n{at.Id}");
        _joins.Add(new PendingJoin(joiner, at, ProposeMetadata(at, new AddMemberCommand(joiner.PeerAddress, joiner.RestUrl, joiner.Id)), Now + JoinTimeoutTicks));
    }

    /// <summary>An operator drains a member (DELETE /admin/members/{id}) unless the node refuses, as the endpoint does.</summary>
    private void Drain()
    {
        if (MetadataLeader() is not { } at) return;
        var record = at.Cache!.Cluster;
        var candidates = record.Members.Values.Where(m => m.State != MemberState.Leaving).Select(m => m.Id).ToList();
        if (candidates.Count == 0) return;
        var member = candidates[Random.Next(candidates.Count)];
        if (at.Cache.RefuseRemoval(member) is { } refused)
        {
            Trace.Note(Now, $"DRAIN n{member} refused: {refused}");
            return;
        }
        _drains++;
        Trace.Note(Now, $"DRAIN n{member} proposed at metadata leader n{at.Id}");
        _ = ProposeMetadata(at, new DrainMemberCommand(member));
    }

    private System.Collections.Immutable.ImmutableSortedSet<ulong> _reportedDown = [];

    /// <summary>
    /// A member that stayed up, reachable, unpaused and unblocked for longer than the down time (and its slack: the
    /// controller's report interval, commit delays) must never be newly reported down by the metadata leader: the
    /// cluster would move its replicas away for nothing. This is how a node that cannot reach its peers shows.
    /// </summary>
    private void CheckDownReports()
    {
        if (MetadataLeader() is not { } at) return;
        var record = at.Cache!.Cluster;
        var conf = at.Replicas.GetValueOrDefault(CacheNode.MetadataGroup)?.Conf;
        var slack = 2 * Options.ElectionTicks + 40;
        foreach (var id in record.DownMembers.Except(_reportedDown))
        {
            var node = Nodes[(int)id - 1];
            var quietSince = Math.Max(node.DisturbedUntil, at.DisturbedUntil);
            if (!node.Up || node.Cache is not { IsMember: true } || conf is null || !(conf.Voters.Contains(id) || conf.Learners.Contains(id))) continue;
            if (Now - quietSince > Options.DownAfterSeconds * (long)(TimeSpan.FromSeconds(1) / TickLength) + slack)
                Fail("a healthy member is never reported down", $"metadata leader n{at.Id} reports n{id} down, but n{id} has been up and reachable since t={quietSince}");
        }
        _reportedDown = record.DownMembers;
    }

    /// <summary>
    /// A member knows the peer address of every member named by the cluster record it has applied, at every tick: the
    /// record is where addresses come from, so a node that recovered or applied a record and still cannot reach a
    /// member it names has lost that member for as long as the metadata stays quiet.
    /// </summary>
    /// <remarks>Also checked right after a restart, before the node applies anything new: recovery alone must suffice.</remarks>
    private void CheckKnownAddresses(SimNode node)
    {
        if (!node.Up || node.Cache is not { IsMember: true } cache) return;
        foreach (var member in cache.Cluster.Members.Values)
        {
            if (member.Id == node.Id || node.Transport.Peers.GetValueOrDefault(member.Id) == member.PeerAddress) continue;
            Fail("a member knows the address of every member its record names",
                $"n{node.Id} applied a record naming n{member.Id} at {member.PeerAddress} but knows {node.Transport.Peers.GetValueOrDefault(member.Id) ?? "no address"}");
        }
    }

    /// <summary>Every tick of a membership run: admitted servers accept their offers; unanswered requests time out.</summary>
    private void StepMembership()
    {
        CheckDownReports();
        foreach (var node in Nodes) CheckKnownAddresses(node);
        for (var i = 0; i < _joins.Count; i++)
        {
            var join = _joins[i];
            if (!join.Outcome.IsCompleted && Now < join.Deadline) continue;
            _joins.RemoveAt(i--);
            if (!join.Outcome.IsCompleted || join.Outcome.Result.Status != ProposalStatus.Applied) continue;
            if (join.Outcome.Result.Result.Member is not { Error: null } added || !join.Joiner.Waiting) continue;
            Offer(join.Joiner, added.Id, join.At);
        }
    }

    private void Offer(SimNode joiner, ulong id, SimNode at)
    {
        var offer = new JoinOffer(at.Cache!.Cluster.ClusterId, id, at.Cache.MemberPeers());
        var (accepted, error) = joiner.Cache!.AcceptJoinAsync(offer, CancellationToken.None).GetAwaiter().GetResult();
        if (!accepted) Fail("a waiting server accepts its offer", $"n{joiner.Id} refused member id {id}: {error}");
        _joinsDone++;
        joiner.Disturb(Now);
        Trace.Note(Now, $"JOINED n{joiner.Id} as member {id}");
    }

    /// <summary>
    /// The end of a membership run: an operator retries the adds whose offer never reached the server (the request
    /// failed; retrying is safe), as the API promises.
    /// </summary>
    private void FinishJoins()
    {
        if (!Options.Cluster || MetadataLeader() is not { } at) return;
        foreach (var member in at.Cache!.Cluster.Members.Values.Where(m => m.State == MemberState.Joining))
        {
            var node = Nodes[(int)member.Id - 1];
            if (node.Waiting) Offer(node, member.Id, at);
        }
    }

    /// <summary>
    /// What <c>CacheNode.ProposeMetadataAsync</c> does, minus its async continuation (which would complete on another
    /// thread, at a moment the simulation does not choose): the host's task completes on the loop.
    /// </summary>
    private static Task<ProposalOutcome> ProposeMetadata(SimNode at, MetadataCommand command) =>
        at.Host!.ProposeAsync(CacheNode.MetadataGroup, command.Encode(), CancellationToken.None);

    private SimNode? MetadataLeader()
    {
        var id = LeaderOf(CacheNode.MetadataGroup);
        if (id == 0) return null;
        var node = Nodes[(int)id - 1];
        return node.Runnable(Now) && node.Cache is { IsMember: true } ? node : null;
    }
}
