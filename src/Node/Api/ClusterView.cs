// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;
using RaftCache.Node.Hosting;

namespace RaftCache.Node.Api;

/// <summary>
/// GET /admin/cluster as this node sees it: members, every shard (with detail for the replicas it holds), the
/// metadata group's leader, shard moves in progress, learners catching up in shards this node leads, removed ids.
/// </summary>
public sealed record ClusterView(
    [property: JsonPropertyName("node_id")] ulong NodeId,
    [property: JsonPropertyName("cluster_id")] string ClusterId,
    [property: JsonPropertyName("metadata_leader")] ulong MetadataLeader,
    [property: JsonPropertyName("members")] IReadOnlyList<MemberView> Members,
    [property: JsonPropertyName("shards")] IReadOnlyList<ShardView> Shards,
    [property: JsonPropertyName("moves")] IReadOnlyList<MoveView> Moves,
    [property: JsonPropertyName("learners")] IReadOnlyList<LearnerView> Learners,
    [property: JsonPropertyName("removed_members")] IReadOnlyList<ulong> RemovedMembers)
{
    public static ClusterView Of(CacheNode node, IReadOnlyList<ReplicaStatus> replicas)
    {
        var record = node.Cluster;
        var byGroup = replicas.ToDictionary(r => r.GroupId);
        var heard = node.LastHeard;
        var members = record.Members.Values.Select(m => new MemberView(
            m.Id,
            m.RestUrl,
            m.PeerAddress,
            MembersEndpoints.StateOf(node, m),
            m.Id == node.NodeId ? DateTimeOffset.UtcNow : heard.TryGetValue(m.Id, out var at) ? at : null)).ToArray();
        var shards = Enumerable.Range(1, node.Shards.ShardCount).Select(id =>
        {
            var (first, last) = node.Shards.SlotRange(id);
            record.Placement.TryGetValue(id, out var placement);
            return byGroup.TryGetValue((ulong)id, out var status)
                ? ShardView.Of(id, first, last, status)
                : new ShardView(id, [first, last], 0, 0, placement.IsDefault ? [] : placement.Select(r => new ReplicaView(r, "unknown", 0, 0, null, null)).ToArray(), null, null, null, null);
        }).ToArray();
        return new ClusterView(node.NodeId, Metadata.ClusterRecord.FormatId(record.ClusterId),
            byGroup.TryGetValue(CacheNode.MetadataGroup, out var metadata) ? metadata.Raft.SoftState.Leader : 0, members, shards,
            record.Targets.Select(t => new MoveView(t.Key, record.Placement.GetValueOrDefault(t.Key, []), t.Value)).ToArray(),
            node.LearnersLedHere(),
            record.RemovedIds.ToArray())
        {
            MetadataConfiguration = byGroup.TryGetValue(CacheNode.MetadataGroup, out var own) && own.Raft.ConfState is var conf
                ? new ConfigurationView(conf.Voters, conf.VotersOutgoing, conf.Learners, conf.IsJoint)
                : null,
        };
    }

    /// <summary>The metadata group's voters (at most five) and learners, as this node's replica knows them.</summary>
    [JsonPropertyName("metadata_configuration")]
    public ConfigurationView? MetadataConfiguration { get; init; }
}

public sealed record MemberView(
    [property: JsonPropertyName("id")] ulong Id,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("peer_address")] string PeerAddress,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("last_heartbeat")] DateTimeOffset? LastHeartbeat);

public sealed record ShardView(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("slots")] int[] Slots,
    [property: JsonPropertyName("leader")] ulong Leader,
    [property: JsonPropertyName("term")] ulong Term,
    [property: JsonPropertyName("replicas")] IReadOnlyList<ReplicaView> Replicas,
    [property: JsonPropertyName("configuration")] ConfigurationView? Configuration,
    [property: JsonPropertyName("keys")] long? Keys,
    [property: JsonPropertyName("bytes")] long? Bytes,
    [property: JsonPropertyName("state_hash")] string? StateHash)
{
    public static ShardView Of(int id, int first, int last, ReplicaStatus status)
    {
        var raft = status.Raft;
        var conf = raft.ConfState;
        var members = conf.Voters.Concat(conf.VotersOutgoing).Concat(conf.Learners).Distinct().Order();
        var replicas = members.Select(member =>
        {
            var role = member == raft.SoftState.Leader ? "leader" : conf.Learners.Contains(member) ? "learner" : "follower";
            if (member == raft.Id)
                return new ReplicaView(member, role, raft.HardState.Commit, raft.Applied, raft.LastIndex, status.SnapshotIndex) { FirstIndex = status.FirstIndex, SnapshotsInstalled = status.SnapshotsInstalled };
            raft.Progress.TryGetValue(member, out var progress);
            return new ReplicaView(member, role, 0, 0, raft.Progress.ContainsKey(member) ? progress.Match : null, null);
        }).ToArray();
        return new ShardView(id, [first, last], raft.SoftState.Leader, raft.HardState.Term, replicas,
            new ConfigurationView(conf.Voters, conf.VotersOutgoing, conf.Learners, conf.IsJoint),
            status.Keys, status.Bytes, status.StateHash);
    }
}

/// <summary>A replica; commit, applied and snapshot index are known for this node's own replica, match (the leader's view) for the others when this node leads.</summary>
public sealed record ReplicaView(
    [property: JsonPropertyName("id")] ulong Id,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("commit_index")] ulong CommitIndex,
    [property: JsonPropertyName("applied_index")] ulong AppliedIndex,
    [property: JsonPropertyName("match_index")] ulong? MatchIndex,
    [property: JsonPropertyName("snapshot_index")] ulong? SnapshotIndex)
{
    /// <summary>This node's replica only: the first index still in its log (entries before it were compacted).</summary>
    [JsonPropertyName("first_index")]
    public ulong? FirstIndex { get; init; }

    /// <summary>This node's replica only: snapshots installed from a leader since the node started.</summary>
    [JsonPropertyName("snapshots_installed")]
    public long? SnapshotsInstalled { get; init; }
}

public sealed record ConfigurationView(
    [property: JsonPropertyName("voters")] IReadOnlyList<ulong> Voters,
    [property: JsonPropertyName("voters_outgoing")] IReadOnlyList<ulong> VotersOutgoing,
    [property: JsonPropertyName("learners")] IReadOnlyList<ulong> Learners,
    [property: JsonPropertyName("joint")] bool Joint);
