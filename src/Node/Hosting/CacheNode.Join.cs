// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Configuration;
using RaftCache.Node.Metadata;

namespace RaftCache.Node.Hosting;

/// <summary>What an empty node started with --join tells the member admitting it, and what it is told back.</summary>
public sealed record JoinInfo(string State, ulong NodeId, ulong ClusterId, string PeerAddress, string RestUrl);

/// <summary>The admission: the cluster, the id the node was given, and the members it can reach first.</summary>
public sealed record JoinOffer(ulong ClusterId, ulong NodeId, IReadOnlyList<InitialMember> Members);

public sealed partial class CacheNode
{
    private readonly SemaphoreSlim _joinGate = new(1, 1);

    public JoinInfo DescribeForJoin() => _host is null
        ? new JoinInfo("waiting", _options.Id, 0, _options.AdvertisedPeer, _options.AdvertisedUrl)
        : new JoinInfo("member", _options.Id, _clusterId, _options.AdvertisedPeer, _options.AdvertisedUrl);

    /// <summary>
    /// The founders this node bootstraps with, or null when it joins. Given both --initial-cluster and --join (one
    /// pod spec for every pod of a StatefulSet), a node the founders name by its advertised peer address founds
    /// the cluster under that id, and any other joins.
    /// </summary>
    private static IReadOnlyList<InitialMember>? FoundersOf(NodeOptions options)
    {
        if (options.InitialCluster is not { } initial) return null;
        var founders = InitialCluster.Parse(initial);
        if (options.Join is null) return founders;
        var own = founders.Where(f => f.PeerAddress == options.AdvertisedPeer).Select(f => f.Id).FirstOrDefault();
        if (own == 0) return null;
        options.Id = own;
        return founders;
    }

    /// <summary>
    /// Takes this waiting node into the cluster that added it: records its identity, then starts its host with no
    /// groups. Its replicas (the metadata group first) are created when their leaders first reach it. A repeated
    /// offer of the same cluster and id is answered alike (the admitting call may be retried); any other is refused.
    /// </summary>
    public async Task<(bool Accepted, string? Error)> AcceptJoinAsync(JoinOffer offer, CancellationToken cancellationToken)
    {
        await _joinGate.WaitAsync(cancellationToken);
        try
        {
            if (_host is not null)
            {
                return offer.ClusterId == _clusterId && offer.NodeId == _options.Id
                    ? (true, null)
                    : (false, $"this node is already member {_options.Id} of cluster {_clusterId:x16}");
            }
            if (_options.Join is null) return (false, "this node was not started with --join");
            if (_options.Id != 0 && offer.NodeId != _options.Id) return (false, $"this node was started with --id {_options.Id}, not {offer.NodeId}");
            if (offer.NodeId == 0 || offer.ClusterId == 0 || offer.Members.Count == 0) return (false, "the offer names no node id, cluster or members");
            await StartMemberAsync(new NodeIdentity(offer.NodeId, offer.ClusterId, offer.Members, Joined: true), bootstrap: false, cancellationToken);
            return (true, null);
        }
        finally
        {
            _joinGate.Release();
        }
    }

    /// <summary>Proposes a metadata command on this node, the metadata leader; the state machine's answer, or null when it did not apply.</summary>
    public async Task<ProposalOutcome> ProposeMetadataAsync(MetadataCommand command, CancellationToken cancellationToken) =>
        await Host.ProposeAsync(MetadataGroup, command.Encode(), cancellationToken);

    /// <summary>The peer addresses of the current members, for a node being admitted.</summary>
    public IReadOnlyList<InitialMember> MemberPeers() =>
        _metadata.Current.Members.Values.Select(m => new InitialMember(m.Id, m.PeerAddress)).ToArray();

    /// <summary>A member the metadata leader's failure detector reports down (the record's view, the same on every node).</summary>
    public bool SeemsDown(ulong member) => _metadata.Current.DownMembers.Contains(member);

    /// <summary>Why removing <paramref name="member"/> must be refused (fewer members than the replication factor, or a broken metadata quorum), or null.</summary>
    public string? RefuseRemoval(ulong member)
    {
        var record = _metadata.Current;
        var staying = record.Members.Values.Count(m => m.Id != member && m.State != MemberState.Leaving);
        if (staying < record.ReplicationFactor)
            return $"removing member {member} would leave {staying} member(s), fewer than the replication factor {record.ReplicationFactor}";
        var voters = (Host.TryGetReplica(MetadataGroup)?.ConfState ?? Raft.ConfState.Empty).Voters.Where(v => v != member).ToArray();
        var live = voters.Count(v => !SeemsDown(v));
        if (voters.Length > 0 && live <= voters.Length / 2)
            return $"removing member {member} would leave the metadata group {live} live voter(s) of {voters.Length}, no quorum";
        return null;
    }

    /// <summary>Learners of shards this node leads, as the last housekeeping round saw them (GET /admin/members/{id}).</summary>
    public IReadOnlyList<Api.LearnerView> LearnersLedHere() => Volatile.Read(ref _learners);

    private IReadOnlyList<Api.LearnerView> _learners = [];

    private void PublishLearners()
    {
        var learners = new List<Api.LearnerView>();
        foreach (var replica in Host.Replicas)
        {
            if (replica.Role != Raft.RaftRole.Leader) continue;
            var status = replica.Node.Status();
            foreach (var learner in status.ConfState.Learners)
            {
                if (!status.Progress.TryGetValue(learner, out var progress)) continue;
                learners.Add(new Api.LearnerView((int)replica.GroupId, learner, progress.Match, status.LastIndex - Math.Min(status.LastIndex, progress.Match), progress.State.ToString().ToLowerInvariant()));
            }
        }
        Volatile.Write(ref _learners, learners);
    }
}
