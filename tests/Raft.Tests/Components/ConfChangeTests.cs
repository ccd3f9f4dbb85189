// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;

namespace RaftCache.Raft.Tests.Components;

public sealed class ConfChangeTests
{
    private static ConfChangeSingle V(ulong id) => new(ConfChangeType.AddVoter, id);

    private static ConfChangeSingle L(ulong id) => new(ConfChangeType.AddLearner, id);

    private static ConfChangeSingle R(ulong id) => new(ConfChangeType.RemoveNode, id);

    [Fact]
    public void The_codec_round_trips_random_changes()
    {
        var rng = new SplitMix64(3);
        for (var i = 0; i < 500; i++)
        {
            var changes = Enumerable.Range(0, rng.Next(6)).Select(_ => new ConfChangeSingle((ConfChangeType)rng.Next(3), rng.NextUInt64())).ToImmutableArray();
            var context = new byte[rng.Next(10)];
            foreach (ref var b in context.AsSpan()) b = (byte)rng.Next(256);
            var change = new ConfChange { Transition = (ConfChangeTransition)rng.Next(3), Changes = changes, Context = context };
            var decoded = ConfChangeCodec.Decode(ConfChangeCodec.Encode(change));
            Assert.Equal(change.Transition, decoded.Transition);
            Assert.Equal(change.Changes.ToArray(), decoded.Changes.ToArray());
            Assert.Equal(context, decoded.Context.ToArray());
        }
    }

    [Fact]
    public void The_codec_keeps_its_persisted_bytes()
    {
        // Entries in every WAL carry this layout: version 1, transition, u16 count, (type, u64 id) each, i32 context length, context.
        var change = new ConfChange { Transition = ConfChangeTransition.JointExplicit, Changes = [V(2), new(ConfChangeType.RemoveNode, 3)], Context = "ab"u8.ToArray() };

        Assert.Equal(
            "01" + "02" + "0200" + "00" + "0200000000000000" + "01" + "0300000000000000" + "02000000" + "6162",
            Convert.ToHexString(ConfChangeCodec.Encode(change)).ToLowerInvariant());
    }

    [Fact]
    public void The_codec_refuses_a_change_count_larger_than_the_bytes_left()
    {
        // Claims 65,535 changes in 8 bytes: refused before allocating for them.
        Assert.Throws<FormatException>(() => ConfChangeCodec.Decode(Convert.FromHexString("0100FFFF00000000")));
    }

    [Fact]
    public void The_codec_rejects_malformed_input()
    {
        var valid = ConfChangeCodec.Encode(new ConfChange { Changes = [V(1)] });
        Assert.Throws<FormatException>(() => ConfChangeCodec.Decode(valid.AsSpan(0, valid.Length - 1)));
        var badVersion = (byte[])valid.Clone();
        badVersion[0] = 9;
        Assert.Throws<FormatException>(() => ConfChangeCodec.Decode(badVersion));
        var badType = (byte[])valid.Clone();
        badType[4] = 7;
        Assert.Throws<FormatException>(() => ConfChangeCodec.Decode(badType));
        Assert.Throws<FormatException>(() => ConfChangeCodec.Decode([]));
    }

    private static ProgressTracker Tracker(ulong[] voters, ulong[]? learners = null)
    {
        var tracker = new ProgressTracker(10, 0);
        var result = new Changer(tracker, 10, 1).Apply(new ConfChange { Changes = [.. voters.Select(V), .. (learners ?? []).Select(L)] });
        Assert.Null(result.Error);
        tracker.Config = result.Config;
        tracker.Progress = result.Progress;
        return tracker;
    }

    private static ConfState Apply(ProgressTracker tracker, ConfChange change)
    {
        var result = new Changer(tracker, 10, 5).Apply(change);
        Assert.True(result.Error is null, result.Error);
        tracker.Config = result.Config;
        tracker.Progress = result.Progress;
        return tracker.ConfState;
    }

    // Raft §6: one voter at a time without joint consensus.
    [Fact]
    public void A_simple_change_may_add_or_remove_one_voter_and_any_number_of_learners()
    {
        var tracker = Tracker([1, 2, 3]);
        Assert.Equal("voters=(1 2 3 4)", Apply(tracker, new ConfChange { Changes = [V(4)] }).ToString());
        Assert.Equal("voters=(1 2 3 4) learners=(5)", Apply(tracker, new ConfChange { Changes = [L(5)] }).ToString());
        Assert.Equal("voters=(1 2 3) learners=(4 5)", Apply(tracker, new ConfChange { Changes = [L(4)] }).ToString());
        Assert.Equal("voters=(1 2 3 5) learners=(4)", Apply(tracker, new ConfChange { Changes = [V(5)] }).ToString());
        Assert.Equal("voters=(1 2 3) learners=(4)", Apply(tracker, new ConfChange { Changes = [R(5)] }).ToString());
    }

    // Thesis §4.3: two voter changes without a joint configuration are rejected.
    [Fact]
    public void Changing_two_voters_in_a_simple_change_is_rejected()
    {
        var tracker = Tracker([1, 2, 3]);
        var result = new Changer(tracker, 10, 5).Simple([V(4), R(1)]);
        Assert.Contains("more than one voter", result.Error, StringComparison.Ordinal);
    }

    // Thesis §4.3
    [Fact]
    public void Entering_and_leaving_a_joint_configuration_moves_demoted_voters_through_learners_next()
    {
        var tracker = Tracker([1, 2, 3]);
        var joint = Apply(tracker, new ConfChange { Transition = ConfChangeTransition.JointImplicit, Changes = [V(4), L(3)] });
        Assert.Equal("voters=(1 2 4)&&(1 2 3) learners_next=(3) autoleave", joint.ToString());
        Assert.NotNull(new Changer(tracker, 10, 6).Apply(new ConfChange { Changes = [V(5)] }).Error); // already joint
        var left = Apply(tracker, new ConfChange());
        Assert.Equal("voters=(1 2 4) learners=(3)", left.ToString());
        Assert.True(tracker.Progress[3].IsLearner);
        Assert.NotNull(new Changer(tracker, 10, 7).LeaveJoint().Error); // not joint
    }

    [Fact]
    public void Removing_every_voter_is_rejected_and_removing_an_unknown_node_is_a_no_op()
    {
        var tracker = Tracker([1, 2, 3]);
        Assert.Equal("removed all voters", new Changer(tracker, 10, 5).EnterJoint(false, [R(1), R(2), R(3)]).Error);
        Assert.Equal("voters=(1 2 3)", Apply(tracker, new ConfChange { Changes = [R(9)] }).ToString());
    }

    [Fact]
    public void A_change_that_changes_nothing_does_not_enter_a_joint_configuration()
    {
        var tracker = Tracker([1, 2, 3]);
        Assert.Equal("voters=(1 2 3)", Apply(tracker, new ConfChange { Changes = [V(1), V(2), V(3)] }).ToString());
    }

    [Fact]
    public void Promoting_a_learner_keeps_its_replication_session()
    {
        var tracker = Tracker([1, 2, 3], [4]);
        var session = tracker.Progress[4].Session;
        Apply(tracker, new ConfChange { Changes = [V(4)] });
        Assert.False(tracker.Progress[4].IsLearner);
        Assert.Equal(session, tracker.Progress[4].Session);
    }

    [Fact]
    public void A_re_added_node_gets_a_new_session()
    {
        var tracker = Tracker([1, 2, 3]);
        Apply(tracker, new ConfChange { Changes = [R(3)] });
        var result = new Changer(tracker, 10, 9).Apply(new ConfChange { Changes = [V(3)] });
        Assert.Equal(9UL, result.Progress[3].Session);
    }
}
