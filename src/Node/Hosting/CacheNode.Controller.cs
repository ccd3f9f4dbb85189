// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Metadata;
using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// The placement controller, run on the host loop by the metadata group's leader only: it brings joining
/// members into the metadata group (learner, then voter, then active), takes drained members out of it and
/// removes them, watches for members that stay unreachable, and proposes a new placement plan whenever
/// <see cref="PlacementPlanner"/> decides differently from the record. Every step is a proposal that is simply
/// made again next round if it was lost, and a plan is ignored if the record changed since it was computed.
/// </summary>
public sealed partial class CacheNode
{
    private DateTimeOffset? _metadataLeaderSince;
    private ulong _plannedRevision = ulong.MaxValue;
    private DateTimeOffset _plannedAt;
    private DateTimeOffset _downProposedAt;
    private readonly Dictionary<ulong, DateTimeOffset> _memberSeenSince = [];

    private void RunController(ClusterRecord record, GroupReplica metadata)
    {
        var now = _time.GetUtcNow();
        if (metadata.Role != RaftRole.Leader)
        {
            _metadataLeaderSince = null;
            return;
        }
        _metadataLeaderSince ??= now;
        var status = metadata.Node.Status();
        var conf = status.ConfState;
        var busy = conf.IsJoint || status.PendingConfIndex != 0 || status.LeadTransferee != 0;

        foreach (var member in record.Members.Values)
        {
            var id = member.Id;
            var inGroup = conf.Voters.Contains(id) || conf.Learners.Contains(id);
            switch (member.State)
            {
                case MemberState.Joining when !inGroup && !busy:
                    ChangeConf(metadata, new ConfChangeSingle(ConfChangeType.AddLearner, id));
                    busy = true;
                    break;
                case MemberState.Joining when conf.Learners.Contains(id) && !busy && CaughtUp(status, id):
                    // Beyond the voter cap a caught-up learner is active as it is (MetadataVoters).
                    if (MetadataVoters.NextVoter(conf.Voters, [id], record) == id)
                    {
                        ChangeConf(metadata, new ConfChangeSingle(ConfChangeType.AddVoter, id));
                        busy = true;
                    }
                    else if (conf.Voters.Length >= MetadataVoters.Max) metadata.Node.Propose(new ActivateMemberCommand(id).Encode());
                    break;
                case MemberState.Joining when conf.Voters.Contains(id):
                    metadata.Node.Propose(new ActivateMemberCommand(id).Encode());
                    break;
                case MemberState.Leaving when !HoldsAnyReplica(record, id):
                    // Out of the record only once out of the group with no change pending: a pending change may be this
                    // member's own addition, which would apply after the removal and leave a member the record lost.
                    if (!inGroup)
                    {
                        if (!busy) metadata.Node.Propose(new RemoveMemberCommand(id).Encode());
                    }
                    else if (id == _options.Id) HandOver(record, metadata, status, [.. conf.Voters.Where(v => v != id)], now);
                    else if (!busy)
                    {
                        ChangeConf(metadata, new ConfChangeSingle(ConfChangeType.RemoveNode, id));
                        busy = true;
                    }
                    break;
            }
        }

        // A configuration member the record no longer names (removed while its addition was in flight) is taken out.
        if (!busy && conf.Voters.Concat(conf.Learners).FirstOrDefault(id => id != _options.Id && !record.Members.ContainsKey(id)) is var stray and not 0)
        {
            ChangeConf(metadata, new ConfChangeSingle(ConfChangeType.RemoveNode, stray));
            busy = true;
        }
        if (!busy && MetadataVoters.NextVoter(conf.Voters, conf.Learners.Where(l => CaughtUp(status, l)), record) is var voter and not 0)
            ChangeConf(metadata, new ConfChangeSingle(ConfChangeType.AddVoter, voter));

        var down = DownMembers(record, now, conf);
        if (!down.SetEquals(record.DownMembers) && now - _downProposedAt >= ReportInterval)
        {
            _downProposedAt = now;
            metadata.Node.Propose(new SetDownCommand([.. down]).Encode());
        }

        // One plan per record revision; one lost to a leader change is made again after a pause.
        if (_plannedRevision == record.Revision && now - _plannedAt < ReportInterval) return;
        var plan = PlacementPlanner.Compute(record, down, _options.MaxConcurrentMoves);
        if (SameTargets(plan, record)) return;
        _plannedRevision = record.Revision;
        _plannedAt = now;
        metadata.Node.Propose(new PlanCommand(record.Revision, plan.Targets, plan.PreferredLeaders).Encode());
        LogPlan(_logger, record.Revision, plan.Targets.Count, string.Join("; ", plan.Targets.Select(t => $"shard {t.Key} -> [{string.Join(',', t.Value)}]")));
    }

    /// <summary>
    /// Members this leader has not heard from for longer than the configured time. Silence is counted from the
    /// latest of the last frame, the start of this leadership and the moment this node first saw the member in the
    /// record and in the metadata group's configuration, so neither a new leader nor a new member is judged on what
    /// could not have been heard yet: a joining member shares no group with anyone, and so sends nothing, until it is
    /// the metadata group's learner.
    /// </summary>
    internal HashSet<ulong> DownMembers(ClusterRecord record, DateTimeOffset now, ConfState metadataConf)
    {
        var down = new HashSet<ulong>();
        if (_metadataLeaderSince is not { } since || _host is null) return down;
        var limit = TimeSpan.FromSeconds(_options.DownAfterSeconds);
        foreach (var id in record.Members.Keys)
        {
            if (id == _options.Id) continue;
            if (record.Members[id].State == MemberState.Joining && !metadataConf.Voters.Contains(id) && !metadataConf.Learners.Contains(id))
            {
                _memberSeenSince.Remove(id);
                continue;
            }
            // A member just added has had no chance to be heard yet: its silence counts from when this leader saw it.
            if (!_memberSeenSince.TryGetValue(id, out var seen)) _memberSeenSince[id] = seen = now;
            var from = seen > since ? seen : since;
            var heard = Host.LastHeard.TryGetValue(id, out var at) && at > from ? at : from;
            if (now - heard > limit) down.Add(id);
        }
        return down;
    }

    private static bool HoldsAnyReplica(ClusterRecord record, ulong id) =>
        record.Placement.Values.Any(p => p.Contains(id)) || record.Targets.Values.Any(t => t.Contains(id));

    private static bool SameTargets(PlacementPlanner.Plan plan, ClusterRecord record) =>
        plan.Targets.Count == record.Targets.Count
        && plan.Targets.All(t => record.Targets.TryGetValue(t.Key, out var other) && other.Order().SequenceEqual(t.Value.Order()))
        && plan.PreferredLeaders.Count == record.PreferredLeaders.Count
        && plan.PreferredLeaders.All(p => record.PreferredLeaders.TryGetValue(p.Key, out var other) && other == p.Value);

    [LoggerMessage(EventId = 75320, Level = LogLevel.Information, Message = "Placement plan at revision {Revision}: {Moves} shard(s) moving {Detail}")]
    private static partial void LogPlan(ILogger logger, ulong revision, int moves, string detail);
}
