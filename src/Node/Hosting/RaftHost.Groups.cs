// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

public sealed partial class RaftHost
{
    /// <summary>
    /// Rebuilds every group the WAL recovered: the snapshot restores the state machine and the log view, the
    /// entries after it and the hard state follow, and the core restarts at the snapshot's index, so committed
    /// entries after it are handed out (and applied) again. Call before <see cref="StartAsync"/>.
    /// </summary>
    public int RecoverGroups(Func<ulong, IGroupStateMachine> createStateMachine)
    {
        foreach (var (groupId, state) in _wal.Recovered.OrderBy(g => g.Key))
        {
            var log = new MemoryRaftLog();
            var stateMachine = createStateMachine(groupId);
            if (!state.Snapshot.IsEmpty)
            {
                // The state machine restores from the file's bytes; the log keeps the metadata only.
                stateMachine.Restore(ReadSnapshot(groupId, state.Snapshot.Index));
                log.ApplySnapshot(new Snapshot(state.Snapshot, ReadOnlyMemory<byte>.Empty));
            }
            log.Append(state.EntriesAfterSnapshot);
            var voteFloor = InheritTombstone(groupId, log, state.HardState);
            var replica = new GroupReplica(groupId, new RawNode(ConfigFor(groupId, log, state.Snapshot.Index)), log, stateMachine)
            {
                SnapshotIndex = state.Snapshot.Index,
                ConfState = state.Snapshot.ConfState,
                ConfIndex = state.Snapshot.Index,
                VoteFloor = voteFloor,
            };
            AddReplica(replica);
        }
        return _groups.Count;
    }

    /// <summary>Creates a brand-new group on this node with its founding voters (bootstrap, once). Call before <see cref="StartAsync"/>.</summary>
    public void BootstrapGroup(ulong groupId, IReadOnlyList<ulong> voters, IGroupStateMachine stateMachine)
    {
        if (_groups.ContainsKey(groupId)) throw new InvalidOperationException($"group {groupId} exists already");
        var log = new MemoryRaftLog();
        var node = new RawNode(ConfigFor(groupId, log, applied: 0));
        node.Bootstrap(voters);
        AddReplica(new GroupReplica(groupId, node, log, stateMachine) { ConfState = node.Status().ConfState });
    }

    private bool TryCreateOnDemand(ulong groupId, ulong fromNode, [NotNullWhen(true)] out GroupReplica? replica)
    {
        replica = null;
        if (CreateOnDemand?.Invoke(groupId, fromNode) is not { } stateMachine) return false;
        var log = new MemoryRaftLog();
        var voteFloor = InheritTombstone(groupId, log, HardState.Empty);
        replica = new GroupReplica(groupId, new RawNode(ConfigFor(groupId, log, applied: 0)), log, stateMachine) { VoteFloor = voteFloor };
        AddReplica(replica);
        LogCreated(_logger, NodeId, groupId, fromNode);
        return true;
    }

    /// <summary>
    /// Deletes this node's replica of a group it no longer belongs to: gone from memory now, and from disk once
    /// the WAL's drop record is synced (a crash before that recovers the replica, which is deleted again).
    /// Reads waiting on it are answered "not confirmed" so callers route again. Proposals waiting on it are answered
    /// "may have applied": their entries are in this replica's log and may already be on the other replicas, whose
    /// next leader commits them (a leader removed by its own configuration change is destroyed exactly then).
    /// </summary>
    internal void DestroyGroup(ulong groupId)
    {
        if (!_groups.Remove(groupId, out var replica)) return;
        LeaveTombstone(replica);
        // A proposal still waiting was appended while this replica led; the group may commit it without this
        // replica (a former leader moved off its shard), so its fate cannot be learned here.
        foreach (var (_, (_, completion)) in replica.Proposals) completion.TrySetResult(ProposalOutcome.MayHaveApplied);
        AnswerUnconfirmed(replica);
        foreach (var (_, waiting) in replica.ReadsAwaitingApply) waiting.Complete(false);
        replica.CollectingReads?.Complete(false);
        replica.CollectingLeaseReads?.Complete(false);
        replica.Publish(new SoftState(0, RaftRole.Follower));
        if ((_options.PlantedBugs & PlantedBugs.ReplicaDropNotLogged) == 0)
        {
            _wal.StageDropGroup(groupId);
            _stagedSinceSync = true;
        }
        Volatile.Write(ref _groupsView, _groups.ToFrozenDictionary());
        LogDestroyed(_logger, NodeId, groupId);
    }

    private void AddReplica(GroupReplica replica)
    {
        _groups.Add(replica.GroupId, replica);
        replica.LastLeaderContact = _time.GetUtcNow();
        replica.Publish(replica.Node.Status().SoftState);
        Volatile.Write(ref _groupsView, _groups.ToFrozenDictionary());
    }

    private RaftConfig ConfigFor(ulong groupId, MemoryRaftLog log, ulong applied) => new()
    {
        Id = _options.NodeId,
        Log = log,
        // Each group and node draws its own election jitter, so shards do not campaign in lockstep.
        Random = new SplitMix64(_options.RandomSeed ^ (groupId * 0x9E3779B97F4A7C15UL) ^ (_options.NodeId * 0xC2B2AE3D27D4EB4FUL)),
        ElectionTicks = _options.ElectionTicks,
        HeartbeatTicks = _options.HeartbeatTicks,
        MaxMessageBytes = _options.MaxMessageBytes,
        MaxInflightMessages = _options.MaxInflightMessages,
        PlantedBugs = _options.PlantedBugs,
        QuiesceTicks = _options.QuiesceTicks,
        // Lease reads (RaftHost.Lease.cs) rely on it: a restarted follower must not vote inside a lease it acknowledged.
        RefuseVotesAfterStart = true,
        Applied = applied,
        Logger = new RaftLoggerAdapter(_logger, _options.NodeId, groupId),
    };

    [LoggerMessage(EventId = 75230, Level = LogLevel.Information, Message = "Node {Node} group {Group}: replica created for a message from node {From}")]
    private static partial void LogCreated(ILogger logger, ulong node, ulong group, ulong from);

    [LoggerMessage(EventId = 75231, Level = LogLevel.Information, Message = "Node {Node} group {Group}: replica removed from this node")]
    private static partial void LogDestroyed(ILogger logger, ulong node, ulong group);

    private sealed partial class RaftLoggerAdapter(ILogger logger, ulong node, ulong group) : IRaftLogger
    {
        public void Info(string message) => LogInfo(logger, node, group, message);

        public void Warn(string message) => LogWarn(logger, node, group, message);

        [LoggerMessage(EventId = 75220, Level = LogLevel.Debug, Message = "raft node {Node} group {Group}: {Message}")]
        private static partial void LogInfo(ILogger logger, ulong node, ulong group, string message);

        [LoggerMessage(EventId = 75221, Level = LogLevel.Warning, Message = "raft node {Node} group {Group}: {Message}")]
        private static partial void LogWarn(ILogger logger, ulong node, ulong group, string message);
    }
}
