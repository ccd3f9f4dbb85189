// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Node.Metadata;

namespace RaftCache.Node.Tests.Metadata;

/// <summary>How membership and placement commands change the cluster record (the same on every replica).</summary>
public sealed class MetadataRulesTests
{
    private static readonly ClusterRecord Founded = PlannerFixtures.Founded(members: 3, shards: 4, replicationFactor: 3);

    [Fact]
    public void Adding_gives_the_next_unused_id_and_a_retry_gets_the_same_one()
    {
        var (added, result) = MetadataRules.Apply(Founded, new AddMemberCommand("127.0.0.1:6004", "http://127.0.0.1:5004", 0));
        Assert.Equal(new AddMemberResult(4, null), result);
        Assert.Equal(MemberState.Joining, added.Members[4].State);
        var (again, retry) = MetadataRules.Apply(added, new AddMemberCommand("127.0.0.1:6004", "http://127.0.0.1:5004", 0));
        Assert.Same(added, again);
        Assert.Equal(new AddMemberResult(4, null), retry);
    }

    [Fact]
    public void Removed_ids_are_never_given_again_nor_accepted()
    {
        var (removed, _) = MetadataRules.Apply(Founded, new RemoveMemberCommand(3));
        Assert.Contains(3UL, removed.RemovedIds);
        Assert.Equal(4UL, removed.NextMemberId);
        var (_, refused) = MetadataRules.Apply(removed, new AddMemberCommand("127.0.0.1:6009", "http://127.0.0.1:5009", 3));
        Assert.Contains("never reused", ((AddMemberResult)refused!).Error, StringComparison.Ordinal);
        var (_, taken) = MetadataRules.Apply(removed, new AddMemberCommand("127.0.0.1:6009", "http://127.0.0.1:5009", 2));
        Assert.Contains("in use", ((AddMemberResult)taken!).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_goes_joining_active_leaving()
    {
        var (record, _) = MetadataRules.Apply(Founded, new AddMemberCommand("127.0.0.1:6004", "http://127.0.0.1:5004", 0));
        (record, _) = MetadataRules.Apply(record, new ActivateMemberCommand(4));
        Assert.Equal(MemberState.Active, record.Members[4].State);
        (record, _) = MetadataRules.Apply(record, new DrainMemberCommand(4));
        Assert.Equal(MemberState.Leaving, record.Members[4].State);
        (record, _) = MetadataRules.Apply(record, new ActivateMemberCommand(4));
        Assert.Equal(MemberState.Leaving, record.Members[4].State); // activation is for joiners only
    }

    [Fact]
    public void A_plan_computed_from_an_older_revision_is_ignored()
    {
        var targets = ImmutableSortedDictionary<int, ImmutableArray<ulong>>.Empty.Add(1, [1UL, 2, 4]);
        var (stale, _) = MetadataRules.Apply(Founded with { Revision = 7 }, new PlanCommand(6, targets, ImmutableSortedDictionary<int, ulong>.Empty));
        Assert.Empty(stale.Targets);
        var (current, _) = MetadataRules.Apply(Founded with { Revision = 7 }, new PlanCommand(7, targets, ImmutableSortedDictionary<int, ulong>.Empty));
        Assert.Equal(targets, current.Targets);
    }

    [Fact]
    public void Replica_reports_apply_in_configuration_order_and_complete_a_move()
    {
        var record = Founded with { Targets = ImmutableSortedDictionary<int, ImmutableArray<ulong>>.Empty.Add(2, [1UL, 2, 4]) };
        var (moved, _) = MetadataRules.Apply(record, new ReplicasChangedCommand(2, [4UL, 2, 1], 50));
        Assert.Equal([1UL, 2, 4], moved.Placement[2].ToArray());
        Assert.False(moved.Targets.ContainsKey(2));
        var (late, _) = MetadataRules.Apply(moved, new ReplicasChangedCommand(2, [1UL, 2, 3], 40));
        Assert.Same(moved, late);
    }

    [Fact]
    public void Down_members_are_recorded_for_members_only_and_forgotten_on_removal()
    {
        var (down, _) = MetadataRules.Apply(Founded, new SetDownCommand([2UL, 9UL]));
        Assert.Equal([2UL], down.DownMembers.ToArray());
        var (removed, _) = MetadataRules.Apply(down, new RemoveMemberCommand(2));
        Assert.Empty(removed.DownMembers);
    }
}
