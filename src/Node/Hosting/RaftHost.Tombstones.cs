// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using RaftCache.Storage;

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
/// <remarks>
/// The tombstone is written durably (<see cref="IWriteAheadLog.WriteTombstone"/>) before the drop record that deletes
/// the replica's own term, vote and log is staged, and is never removed: a crash between the deletion and the
/// re-creation, or after the re-creation before the new replica's log has reached the floor, still finds it.
/// </remarks>
public sealed partial class RaftHost
{
    private void LeaveTombstone(GroupReplica replica)
    {
        var hardState = replica.Node.Status().HardState;
        var lastIndex = Math.Max(replica.Log.LastIndex, replica.VoteFloor);
        _wal.WriteTombstone(replica.GroupId, new GroupTombstone(hardState.Term, hardState.Vote, lastIndex));
    }

    /// <summary>
    /// Starts a replica of a group that once had a replica here from no less than that one's term and vote;
    /// returns the vote floor (0 when the group never left this node). Applies to a replica created again on
    /// demand (empty <paramref name="recovered"/>) and to one recovered from the log after a restart, whose own
    /// hard state may predate the inheritance (an inherited term is not written to the log until it changes).
    /// </summary>
    private ulong InheritTombstone(ulong groupId, MemoryRaftLog log, HardState recovered)
    {
        if (!_wal.Tombstones.TryGetValue(groupId, out var tombstone))
        {
            log.SetHardState(recovered);
            return 0;
        }

        var inherited = recovered.Term > tombstone.Term || (recovered.Term == tombstone.Term && recovered.Vote != 0)
            ? recovered
            : recovered with { Term = tombstone.Term, Vote = tombstone.Vote };
        log.SetHardState(inherited);
        return tombstone.LastIndex;
    }

    /// <summary>A vote request to a replica whose log is still shorter than its deleted predecessor's goes unanswered.</summary>
    private static bool WithholdsVote(GroupReplica replica, Message message) =>
        message.Type is MessageType.Vote or MessageType.PreVote && replica.Log.LastIndex < replica.VoteFloor;
}
