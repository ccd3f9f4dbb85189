// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Metadata;

/// <summary>
/// The metadata group keeps at most <see cref="Max"/> voters, however many members there are: every member
/// holds a replica of it (members learn the record from it), but a commit waits for a majority of the voters
/// only, so at 64 members each metadata write needs 3 acknowledgements, not 33, and an election asks 5 nodes.
/// The other members follow as learners (non-voters): they receive and apply every entry but never vote. A
/// member joins as a learner, becomes a voter while there are fewer than <see cref="Max"/> of them, and is marked
/// active either way; when a voter leaves, the lowest-id caught-up learner that is neither leaving nor down takes
/// its place. Replacing a voter that is down but still a member is not done: it keeps its vote until it is
/// drained or removed (docs/operations.md).
/// </summary>
public static class MetadataVoters
{
    public const int Max = 5;

    /// <summary>The learner to make a voter next, or 0 when the group has its voters or no learner qualifies.</summary>
    public static ulong NextVoter(IReadOnlyCollection<ulong> voters, IEnumerable<ulong> caughtUpLearners, ClusterRecord record) =>
        voters.Count >= Max
            ? 0
            : caughtUpLearners
                .Where(l => record.Members.TryGetValue(l, out var member) && member.State != MemberState.Leaving && !record.DownMembers.Contains(l))
                .Order()
                .FirstOrDefault();
}
