// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Node.Metadata;
using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

public sealed partial class CacheNode
{
    /// <summary>Ticks between housekeeping rounds (bootstrap record, address publication, placement).</summary>
    private const int HousekeepingEveryTicks = 5;

    // On the host loop, every few ticks (the host's count, so an idle node's sparse ticks keep the period): the
    // metadata group's first leader records the founding cluster, every member publishes the REST URL it serves
    // until the metadata group has it, the metadata leader runs the placement controller, and shard leaders walk
    // their groups towards their targets. All of it is idempotent, so a proposal lost to a leader change is simply
    // made again next round.
    private void Housekeeping()
    {
        var round = Host.Ticks / HousekeepingEveryTicks;
        if (round == _housekeepingRound) return;
        _housekeepingRound = round;
        var metadata = Host.TryGetReplica(MetadataGroup);
        if (metadata is null || metadata.Leader == 0) return;
        var record = _metadata.Current;
        if (!record.IsBootstrapped)
        {
            if (metadata.Role == RaftRole.Leader && _founders is not null) _ = Host.ProposeAsync(MetadataGroup, new BootstrapCommand(FoundingRecord(_founders)).Encode(), CancellationToken.None);
            return;
        }
        if (record.Members.TryGetValue(_options.Id, out var self) && self.RestUrl != _options.AdvertisedUrl)
        {
            // A follower's proposal travels to the leader inside Raft.
            metadata.Node.Propose(new PublishMemberCommand(_options.Id, _options.AdvertisedUrl).Encode());
        }
        RunController(record, metadata);
        ReconcileShards(record, metadata);
        PublishLearners();
    }

    private ClusterRecord FoundingRecord(IReadOnlyList<Configuration.InitialMember> founders)
    {
        var ids = founders.Select(f => f.Id).ToArray();
        return new ClusterRecord(
            Placement.ClusterIdOf(founders.Select(f => (f.Id, f.PeerAddress))),
            _options.Shards,
            _options.ReplicationFactor,
            founders.ToImmutableSortedDictionary(f => f.Id, f => new MemberInfo(f.Id, f.PeerAddress, null, MemberState.Active)),
            Placement.Initial(ids, _options.Shards, _options.ReplicationFactor));
    }

    private void OnClusterChanged(ClusterRecord record)
    {
        if (record.ShardCount > 0 && record.ShardCount != Shards.ShardCount) Shards = new Sharding.ShardMap(record.ShardCount);
        foreach (var member in record.Members.Values.Where(m => m.Id != _options.Id)) _transport?.SetPeer(member.Id, member.PeerAddress);
        // A removed member's address may be taken over by a new member: stop sending to the old id there.
        foreach (var removed in record.RemovedIds) _transport?.RemovePeer(removed);
        MaybeMarkRemoved(record);
        RecordApplied?.Invoke(record);
    }

    /// <summary>Raised on the host loop with every cluster record this node applies (and the one it recovers at start).</summary>
    public event Action<ClusterRecord>? RecordApplied;
}
