// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Node.Metadata;

namespace RaftCache.Node.Tests.Metadata;

/// <summary>The metadata group's voter cap: at most five voters, the rest learners, a leaving voter replaced by a live learner.</summary>
public sealed class MetadataVotersTests
{
    [Fact]
    public void Members_beyond_the_fifth_stay_learners_as_a_cluster_grows_to_64()
    {
        var record = PlannerFixtures.Founded(3, 64, 3);
        var voters = new List<ulong> { 1, 2, 3 };
        var learners = new List<ulong>();
        for (ulong id = 4; id <= 64; id++)
        {
            record = record.WithMember(id, MemberState.Joining);
            // The controller adds every joiner as a learner, then asks whether this caught-up learner may vote.
            if (MetadataVoters.NextVoter(voters, [id], record) == id) voters.Add(id);
            else learners.Add(id);
        }
        Assert.Equal([1UL, 2, 3, 4, 5], voters);
        Assert.Equal(59, learners.Count);
    }

    [Fact]
    public void A_leaving_voter_is_replaced_by_the_lowest_live_caught_up_learner()
    {
        var record = PlannerFixtures.Founded(9, 16, 3) with { DownMembers = ImmutableSortedSet.Create<ulong>(6) };
        record = record.WithMember(7, MemberState.Leaving);
        ulong[] voters = [1, 2, 3, 4];               // voter 5 was just taken out after its drain
        ulong[] caughtUp = [9, 8, 7, 6];             // 7 leaves, 6 is down
        Assert.Equal(8UL, MetadataVoters.NextVoter(voters, caughtUp, record));
    }

    [Fact]
    public void A_full_group_promotes_nobody_and_an_empty_choice_is_zero()
    {
        var record = PlannerFixtures.Founded(8, 16, 3);
        Assert.Equal(0UL, MetadataVoters.NextVoter([1, 2, 3, 4, 5], [6, 7, 8], record));
        Assert.Equal(0UL, MetadataVoters.NextVoter([1, 2, 3], [], record));
        Assert.Equal(0UL, MetadataVoters.NextVoter([1, 2, 3], [99], record));   // not a member
    }
}
