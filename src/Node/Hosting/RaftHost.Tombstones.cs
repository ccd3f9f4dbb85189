// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// What a deleted replica leaves behind so that a later replica of the same group on this node cannot undo its votes.
/// A member that has not yet applied the configuration change removing this node still counts it as a voter; had the
/// replica simply forgotten everything, a replica created here again (the group moved back) would start with an empty
/// log and term 0 and grant that stale member's vote, electing a leader without entries the old replica helped commit.
/// So the new replica starts at the old one's term and vote, and grants no vote while its log is shorter than the old
/// one's was: once it has caught up that far from a leader, its log holds every entry the old one could have helped
/// commit, and the usual up-to-date check protects them.
/// </summary>
/// <remarks>Kept in memory: a crash between deletion and re-creation forgets it (the WAL's drop record does not carry it).</remarks>
public sealed partial class RaftHost
{
    private readonly Dictionary<ulong, (HardState HardState, ulong LastIndex)> _tombstones = [];

    private void LeaveTombstone(GroupReplica replica)
    {
        var hardState = replica.Node.Status().HardState;
        var lastIndex = replica.Log.LastIndex;
        if (_tombstones.TryGetValue(replica.GroupId, out var earlier))
            lastIndex = Math.Max(lastIndex, earlier.LastIndex);
        _tombstones[replica.GroupId] = (hardState with { Commit = 0 }, lastIndex);
    }

    /// <summary>Starts a replica created again on this node from its predecessor's term and vote; returns the vote floor.</summary>
    private ulong InheritTombstone(ulong groupId, MemoryRaftLog log)
    {
        if (!_tombstones.Remove(groupId, out var tombstone)) return 0;
        log.SetHardState(tombstone.HardState);
        return tombstone.LastIndex;
    }

    /// <summary>A vote request to a replica whose log is still shorter than its deleted predecessor's goes unanswered.</summary>
    private static bool WithholdsVote(GroupReplica replica, Message message) =>
        message.Type is MessageType.Vote or MessageType.PreVote && replica.Log.LastIndex < replica.VoteFloor;
}
