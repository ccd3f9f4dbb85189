// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Node.Metadata;

namespace RaftCache.Node.Tests.Metadata;

/// <summary>How membership and placement commands change the cluster record (the same on every replica).</summary>
public sealed class MetadataRulesTests
{
    private static readonly ClusterRecord Founded = PlannerFixtures.Founded(members: 3, shards: 4, replicationFactor: 3);

    [Fact]
    public void A_member_is_receiving_only_while_a_shard_moves_onto_it()
    {
        var moving = Founded with
        {
            Placement = Founded.Placement.SetItem(1, [1, 2, 3]),
            Targets = Founded.Targets.SetItem(1, [2, 3, 4]),
        };
        Assert.True(moving.IsReceiving(4));
        Assert.False(moving.IsReceiving(2), "a member that already holds the shard receives nothing");
        Assert.False(moving.IsReceiving(1), "the member the shard leaves receives nothing");
        Assert.False(Founded.IsReceiving(4), "no target, no move");

        var moved = moving with { Placement = moving.Placement.SetItem(1, [2, 3, 4]) };
        Assert.False(moved.IsReceiving(4), "once placed there, the move onto it is done");
    }

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
    public void A_re_proposed_request_applies_at_most_once()
    {
        // The operator's add was applied, the member was later drained and removed, and then the add, re-proposed
        // after a timeout, commits again: without its session it would admit the address under a new id.
        var session = new RaftCache.StateMachine.ClientSession(77, 1, 1);
        var add = new AddMemberCommand("127.0.0.1:6004", "http://127.0.0.1:5004", 0) { Session = session };
        var (added, first) = MetadataRules.Apply(Founded, add);
        Assert.Equal(new AddMemberResult(4, null), first);
        var (removed, _) = MetadataRules.Apply(added, new RemoveMemberCommand(4));
        var (again, retry) = MetadataRules.Apply(removed, MetadataCommand.Decode(add.Encode()));
        Assert.Same(removed, again);
        Assert.Equal(first, retry);
        Assert.DoesNotContain(again.Members.Values, m => m.PeerAddress == "127.0.0.1:6004");

        // Another request (a new session) for the same address is a new add.
        var (readded, fresh) = MetadataRules.Apply(removed, add with { Session = session with { Sequence = 2 } });
        Assert.Equal(5UL, fresh!.Id);
        Assert.Equal(2, readded.AppliedRequests.Count);
    }

    [Fact]
    public void A_re_proposed_drain_applies_at_most_once_and_requests_are_remembered_within_a_bound()
    {
        var drain = new DrainMemberCommand(3) { Session = new RaftCache.StateMachine.ClientSession(9, 1, 1) };
        var (drained, _) = MetadataRules.Apply(Founded with { Members = Founded.Members.Add(4, new MemberInfo(4, "127.0.0.1:6004", null, MemberState.Active)) }, drain);
        Assert.Equal(MemberState.Leaving, drained.Members[3].State);
        var (again, _) = MetadataRules.Apply(drained, drain);
        Assert.Same(drained, again);

        var record = drained;
        for (var i = 0UL; i < MetadataRules.MaxRememberedRequests + 5; i++)
            (record, _) = MetadataRules.Apply(record, new PublishMemberCommand(1, $"http://n{i}") { Session = new RaftCache.StateMachine.ClientSession(10, i + 1, 1) });
        Assert.Equal(MetadataRules.MaxRememberedRequests, record.AppliedRequests.Count);
        Assert.DoesNotContain(record.AppliedRequests, r => r.ClientId == 9);
    }

    [Fact]
    public void A_drain_that_would_leave_fewer_members_than_the_replication_factor_does_not_apply()
    {
        // Two drains proposed at once each pass the endpoint's check; the second must not apply.
        var four = Founded with { Members = Founded.Members.Add(4, new MemberInfo(4, "127.0.0.1:6004", null, MemberState.Active)) };
        var (one, _) = MetadataRules.Apply(four, new DrainMemberCommand(4));
        Assert.Equal(MemberState.Leaving, one.Members[4].State);
        var (two, _) = MetadataRules.Apply(one, new DrainMemberCommand(3));
        Assert.Same(one, two);
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
