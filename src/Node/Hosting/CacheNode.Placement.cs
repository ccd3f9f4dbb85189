// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Node.Metadata;
using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// The shard side of placement, run on the host loop every housekeeping round on every node: each shard this
/// node leads is walked one configuration change at a time towards the target the metadata group holds
/// (add a learner; once it has caught up, swap it in for an outgoing voter through joint consensus; remove
/// what is surplus), reports its replicas to the metadata group when it got there, and hands leadership to the
/// preferred member. Each node also deletes its own replicas the cluster has moved away.
/// </summary>
public sealed partial class CacheNode
{
    /// <summary>A learner is caught up when it replicates and lags the leader's log by at most this many entries.</summary>
    public const ulong CatchUpSlackEntries = 64;

    /// <summary>Minimum time between two leadership hand-overs of one shard to its preferred member.</summary>
    private static readonly TimeSpan PreferredLeaderCooldown = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the record must have named no moves before leaders go to their preferred members. A plan's last move
    /// completing empties the targets until the metadata leader's next round plans the following ones (up to a
    /// housekeeping round and a commit later): hand-overs in that gap would land mid-rebalance after all.
    /// </summary>
    private static readonly TimeSpan MovesSettled = TimeSpan.FromSeconds(2);

    /// <summary>Minimum time between two identical placement reports of one shard (the first may still be in flight).</summary>
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<ulong, DateTimeOffset> _lastTransfer = [];
    private readonly Dictionary<ulong, (ulong ConfIndex, DateTimeOffset At)> _lastReport = [];
    private readonly Dictionary<ulong, (ulong Term, DateTimeOffset Since)> _leadingSince = [];

    /// <summary>Since when this node has seen a record without moves (null while it names some).</summary>
    private DateTimeOffset? _noMovesSince;

    private void ReconcileShards(ClusterRecord record, GroupReplica metadata)
    {
        var now = _time.GetUtcNow();
        _noMovesSince = record.Targets.IsEmpty ? _noMovesSince ?? now : null;
        if (_options.LeadersFollowLoad) _load.Rotate(now, LoadWindow);
        foreach (var replica in Host.Replicas.ToArray())
        {
            if (replica.GroupId == MetadataGroup) continue;
            if (replica.Role == RaftRole.Leader) Reconcile(record, metadata, replica, now);
            else if (MayDelete(record, metadata, replica)) Host.DestroyGroup(replica.GroupId);
        }
    }

    private void Reconcile(ClusterRecord record, GroupReplica metadata, GroupReplica replica, DateTimeOffset now)
    {
        var shard = (int)replica.GroupId;
        var target = record.TargetOf(shard);
        if (target.IsEmpty) return;
        var status = replica.Node.Status();
        var conf = status.ConfState;
        // One change at a time: the core refuses a second anyway, and a joint configuration leaves by itself.
        if (conf.IsJoint || status.PendingConfIndex != 0 || status.LeadTransferee != 0) return;
        var self = _options.Id;

        if (conf.Learners.FirstOrDefault(l => !target.Contains(l)) is var stray and not 0)
        {
            ChangeConf(replica, new ConfChangeSingle(ConfChangeType.RemoveNode, stray));
            return;
        }
        if (target.FirstOrDefault(t => !conf.Voters.Contains(t) && !conf.Learners.Contains(t)) is var missing and not 0)
        {
            ChangeConf(replica, new ConfChangeSingle(ConfChangeType.AddLearner, missing));
            return;
        }
        var outgoing = conf.Voters.FirstOrDefault(v => !target.Contains(v));
        if (conf.Learners.FirstOrDefault(l => CaughtUp(status, l)) is var ready and not 0)
        {
            if (outgoing == self) HandOver(record, replica, status, target, now);
            else if (outgoing != 0) ChangeConf(replica, new ConfChangeSingle(ConfChangeType.AddVoter, ready), new ConfChangeSingle(ConfChangeType.RemoveNode, outgoing));
            else ChangeConf(replica, new ConfChangeSingle(ConfChangeType.AddVoter, ready));
            return;
        }
        if (!conf.Learners.IsEmpty) return; // waiting for a learner to catch up
        if (outgoing != 0 && conf.Voters.Length > target.Length)
        {
            if (outgoing == self) HandOver(record, replica, status, target, now);
            else ChangeConf(replica, new ConfChangeSingle(ConfChangeType.RemoveNode, outgoing));
            return;
        }
        if (!conf.Voters.Order().SequenceEqual(target.Order())) return;

        ReportPlacement(record, metadata, replica, conf, now);
        // Not while any shard is moving, nor between two plans of a rebalance (MovesSettled). Each plan names new
        // preferred leaders, and every hand-over pauses its shard's writes (and a closed-loop client's writes to
        // every shard behind it): balanced once at the end instead of after every move.
        if (_noMovesSince is not { } settled || now - settled < MovesSettled) return;
        var preferred = record.PreferredLeaders.GetValueOrDefault(shard);
        if (FollowLoad(replica, status, preferred, now)) return;
        if (preferred != 0 && preferred != self && conf.Voters.Contains(preferred)
            && status.Progress.TryGetValue(preferred, out var progress) && progress.RecentActive && progress.Match == status.LastIndex)
        {
            // Not right after winning leadership (an operator's transfer is recorded as preferred a moment later),
            // nor again soon after handing it over.
            if (now - LeadingSince(replica, status, now) < PreferredLeaderCooldown) return;
            if (_lastTransfer.TryGetValue(replica.GroupId, out var last) && now - last < PreferredLeaderCooldown) return;
            _lastTransfer[replica.GroupId] = now;
            replica.Node.TransferLeadership(preferred);
        }
    }

    /// <summary>When this leadership was first seen with a reason to hand it over (the cooldowns count from then).</summary>
    private DateTimeOffset LeadingSince(GroupReplica replica, RaftStatus status, DateTimeOffset now)
    {
        if (!_leadingSince.TryGetValue(replica.GroupId, out var led) || led.Term != status.HardState.Term) _leadingSince[replica.GroupId] = led = (status.HardState.Term, now);
        return led.Since;
    }

    private void ReportPlacement(ClusterRecord record, GroupReplica metadata, GroupReplica replica, ConfState conf, DateTimeOffset now)
    {
        var shard = (int)replica.GroupId;
        var known = record.Placement.GetValueOrDefault(shard, ImmutableArray<ulong>.Empty);
        // Reported also when only the learners changed (a learner removed leaves the voters as they were): a replica
        // moved off waits for the record to know a configuration at least as new as its own (MayDelete).
        if (known.Order().SequenceEqual(conf.Voters.Order()) && !record.Targets.ContainsKey(shard)
            && record.PlacementIndexes.GetValueOrDefault(shard) >= replica.ConfIndex) return;
        if (_lastReport.TryGetValue(replica.GroupId, out var last) && last.ConfIndex == replica.ConfIndex && now - last.At < ReportInterval) return;
        _lastReport[replica.GroupId] = (replica.ConfIndex, now);
        // A follower's proposal travels to the metadata leader inside Raft; a lost one is made again next round.
        metadata.Node.Propose(new ReplicasChangedCommand(shard, conf.Voters, replica.ConfIndex).Encode());
    }

    /// <summary>
    /// This node leads a shard it is to leave: hand leadership to the most up-to-date voter that stays, preferring one
    /// that is not receiving a replica. A member receiving one spends seconds of CPU and disk on its snapshot (write,
    /// fsync, decode, off its host loop), which the shards it leads would share.
    /// </summary>
    private void HandOver(ClusterRecord record, GroupReplica replica, RaftStatus status, ImmutableArray<ulong> target, DateTimeOffset now)
    {
        if (_lastTransfer.TryGetValue(replica.GroupId, out var last) && now - last < TimeSpan.FromMilliseconds(_options.TickMs * _options.ElectionTicks * 2)) return;
        var successor = status.Progress
            .Where(p => p.Key != _options.Id && target.Contains(p.Key) && status.ConfState.Voters.Contains(p.Key) && p.Value.RecentActive)
            .OrderBy(p => record.IsReceiving(p.Key)).ThenByDescending(p => p.Value.Match).ThenBy(p => p.Key)
            .Select(p => p.Key).FirstOrDefault();
        if (successor == 0) return;
        _lastTransfer[replica.GroupId] = now;
        replica.Node.TransferLeadership(successor);
    }

    private void ChangeConf(GroupReplica replica, params ConfChangeSingle[] changes)
    {
        var result = replica.Node.ProposeConfChange(new ConfChange { Transition = ConfChangeTransition.Auto, Changes = [.. changes] });
        LogConfChange(_logger, _options.Id, replica.GroupId, string.Join(", ", changes.Select(c => $"{c.Type} {c.NodeId}")), result.Outcome);
    }

    private static bool CaughtUp(RaftStatus status, ulong member) =>
        status.Progress.TryGetValue(member, out var progress)
        && progress.State == ProgressState.Replicate
        && progress.Match + CatchUpSlackEntries >= status.LastIndex;

    /// <summary>
    /// A replica may be deleted only when the cluster provably moved it away: the record no longer places it
    /// here, the record's knowledge of the shard's configuration is at least as new as this replica's own
    /// (so a stale record after a restart never deletes a replica that was added back since), this replica has
    /// applied everything it knows committed, no leader of its group has sent to it for two election timeouts,
    /// and this node's metadata replica is current and has a leader.
    /// </summary>
    /// <remarks>
    /// The leader's silence covers what the record cannot: a learner still catching up knows only an old
    /// configuration, so the record's index is "newer" than its own even while the leader counts it as a member
    /// (a move towards it abandoned while it was reported down, and planned again once it was back). Deleted
    /// then and re-created empty by the next heartbeat, it would be told a commit index beyond its empty log,
    /// which the core treats as a lost log and stops on.
    /// </remarks>
    private bool MayDelete(ClusterRecord record, GroupReplica metadata, GroupReplica replica)
    {
        if (!record.IsBootstrapped || replica.GroupId > (ulong)record.ShardCount) return false;
        // A snapshot still being written (its own, or one received and not yet staged) would leave its file behind
        // the WAL's drop: wait for it.
        if (replica.SnapshotInProgress || replica.PersistsInFlight > 0) return false;
        var shard = (int)replica.GroupId;
        if (record.Hosts(shard, _options.Id)) return false;
        if (record.PlacementIndexes.GetValueOrDefault(shard) < replica.ConfIndex) return false;
        // A quiesced replica's leader is silent because it counts this replica as a caught-up member.
        if (replica.Node.Quiesced) return false;
        if (_time.GetUtcNow() - replica.LastLeaderContact < TimeSpan.FromMilliseconds(_options.TickMs * _options.ElectionTicks * 2)) return false;
        var status = replica.Node.Status();
        if (status.Applied < status.HardState.Commit) return false;
        var metadataStatus = metadata.Node.Status();
        return metadata.Leader != 0 && metadataStatus.Applied >= metadataStatus.HardState.Commit;
    }

    /// <summary>Creates a replica for a group this node is to hold, when the first message for it arrives (see <see cref="RaftHost.CreateOnDemand"/>).</summary>
    private IGroupStateMachine? CreateOnDemand(ulong groupId, ulong fromNode)
    {
        var record = _metadata.Current;
        if (record.RemovedIds.Contains(_options.Id)) return null;
        if (groupId == MetadataGroup) return CreateStateMachine(MetadataGroup);
        if (!record.IsBootstrapped || groupId > (ulong)record.ShardCount) return null;
        return record.TargetOf((int)groupId).Contains(_options.Id) ? CreateStateMachine(groupId) : null;
    }

    [LoggerMessage(EventId = 75310, Level = LogLevel.Information, Message = "Node {Node} shard {Group}: proposed configuration change {Change}: {Outcome}")]
    private static partial void LogConfChange(ILogger logger, ulong node, ulong group, string change, ProposeOutcome outcome);
}
