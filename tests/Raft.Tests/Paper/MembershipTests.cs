// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft.Tests.Interaction;

namespace RaftCache.Raft.Tests.Paper;

public sealed class MembershipTests
{
    private static ConfChange Change(params ConfChangeSingle[] changes) => new() { Changes = [.. changes] };

    private static ConfChangeSingle V(ulong id) => new(ConfChangeType.AddVoter, id);

    private static ConfChangeSingle R(ulong id) => new(ConfChangeType.RemoveNode, id);

    // Raft §6, pitfall 6: only one configuration change may be pending.
    [Fact]
    public void A_second_configuration_change_is_rejected_until_the_first_is_applied()
    {
        var env = Clusters.Elected(3);
        env.AddNode(4, new InteractionEnv.NodeOptions(), null);
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.ProposeConfChange(Change(V(4))).Outcome);
        Assert.Equal(ProposeOutcome.ConfChangeRejected, env[1].Raw.ProposeConfChange(Change(R(3))).Outcome);
        env.Stabilize();
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.ProposeConfChange(Change(R(4))).Outcome);
    }

    // Pitfall 6 (Ongaro, raft-dev 2015): a new leader changes the membership only after committing an entry of its term.
    [Fact]
    public void A_new_leader_refuses_configuration_changes_until_its_noop_commits()
    {
        var env = Clusters.Bootstrapped(3);
        env[1].Raw.Campaign();
        for (var i = 0; i < 10 && env.Status(1).SoftState.Role != RaftRole.Leader; i++)
        {
            env.ProcessReady(1);
            env.ProcessReady(2);
            env.ProcessReady(3);
            env.DeliverMessages(null);
        }

        Assert.Equal(RaftRole.Leader, env.Status(1).SoftState.Role);
        Assert.Equal(ProposeOutcome.ConfChangeRejected, env[1].Raw.ProposeConfChange(Change(V(4))).Outcome);
        env.Stabilize();
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.ProposeConfChange(Change(V(4))).Outcome);
    }

    // Planted bug ConfChangeWhilePending really lifts the one-pending-change rule.
    [Fact]
    public void The_planted_bug_accepts_a_second_change_while_one_is_pending()
    {
        var env = Clusters.Elected(3, 1, new InteractionEnv.NodeOptions { Bugs = PlantedBugs.ConfChangeWhilePending });
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.ProposeConfChange(Change(V(4))).Outcome);
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.ProposeConfChange(Change(V(5))).Outcome);
    }

    // Raft thesis §4.3: while joint, an entry commits only with a majority of both configurations.
    [Fact]
    public void In_a_joint_configuration_commit_needs_a_majority_of_both_halves()
    {
        var env = Clusters.Elected(3);
        env.AddNode(4, new InteractionEnv.NodeOptions(), null);
        env.AddNode(5, new InteractionEnv.NodeOptions(), null);
        env.AddNode(6, new InteractionEnv.NodeOptions(), null);

        // Replace 1 2 3 by 1 4 5... keep 1 as leader: (1 4 5 6)&&(1 2 3) is entered once applied.
        env[1].Raw.ProposeConfChange(new ConfChange { Transition = ConfChangeTransition.JointExplicit, Changes = [V(4), V(5), V(6), R(2), R(3)] });
        env.Stabilize([1, 2, 3]);
        var st = env.Status(1);
        Assert.True(st.ConfState.IsJoint);
        Assert.Equal([1UL, 4, 5, 6], st.ConfState.Voters.ToArray());
        Assert.Equal([1UL, 2, 3], st.ConfState.VotersOutgoing.ToArray());

        // The old half alone (1 2 3) cannot commit anything now.
        var r = env[1].Raw.Propose(Clusters.Bytes("needs both"));
        env.Stabilize([1, 2, 3]);
        Assert.True(env.Status(1).HardState.Commit < r.Index);

        // With a majority of the new half too, it commits.
        env.Tick(1, 1);
        env.Stabilize();
        Assert.True(env.Status(1).HardState.Commit >= r.Index);

        // JointExplicit: the application leaves the joint configuration itself.
        Assert.True(env.Status(1).ConfState.IsJoint);
        Assert.Equal(ProposeOutcome.Accepted, env[1].Raw.ProposeConfChange(new ConfChange()).Outcome);
        env.Stabilize();
        Assert.False(env.Status(1).ConfState.IsJoint);
        Assert.Equal([1UL, 4, 5, 6], env.Status(1).ConfState.Voters.ToArray());
    }

    // Raft thesis §4.3 with AutoLeave: the leader leaves the joint configuration by itself.
    [Fact]
    public void With_auto_leave_the_leader_proposes_leaving_the_joint_configuration()
    {
        var env = Clusters.Elected(3);
        env.AddNode(4, new InteractionEnv.NodeOptions(), null);
        env[1].Raw.ProposeConfChange(Change(V(4), R(3)));
        env.Stabilize();
        var st = env.Status(1);
        Assert.False(st.ConfState.IsJoint);
        Assert.Equal([1UL, 2, 4], st.ConfState.Voters.ToArray());
        var leave = env[2].Applied.Last(e => e.Type == EntryType.ConfChange);
        Assert.True(ConfChangeCodec.Decode(leave.Data.Span).IsLeaveJoint);
    }

    // Pitfall 8: a removed leader steps down once the removal is applied; the others elect a new leader.
    [Fact]
    public void A_leader_that_removes_itself_steps_down_and_the_rest_elect_a_new_leader()
    {
        var env = Clusters.Elected(3);
        env[1].Raw.ProposeConfChange(Change(R(1)));
        env.Stabilize();
        Assert.Equal(RaftRole.Follower, env.Status(1).SoftState.Role);
        for (var i = 0; i < 100 && env.Leader() is 0 or 1; i++)
        {
            env.Tick(2, 1);
            env.Tick(3, 1);
            env.Stabilize();
        }

        Assert.Contains(env.Leader(), new ulong[] { 2, 3 });
        Assert.Equal(ProposeOutcome.Accepted, env[env.Leader()].Raw.Propose(Clusters.Bytes("ok")).Outcome);
    }

    // Pitfall 8: a new member's probing starts at the leader's last index, not at the start of the log.
    [Fact]
    public void A_new_member_is_probed_from_the_leaders_last_index()
    {
        var env = Clusters.Elected(3);
        for (var i = 0; i < 5; i++) env[1].Raw.Propose(Clusters.Bytes($"e{i}"));
        env.Stabilize();
        env.AddNode(4, new InteractionEnv.NodeOptions(), null);
        env[1].Raw.ProposeConfChange(Change(V(4)));
        env.Stabilize([1, 2, 3]);
        var progress = env.Status(1).Progress[4];
        Assert.Equal(ProgressState.Probe, progress.State);
        Assert.Equal(0UL, progress.Match);
        Assert.Equal(env.Status(1).LastIndex, progress.Next);
    }

    // Pitfall 9: replies from before a remove + re-add carry the old session and are ignored.
    [Fact]
    public void A_reply_from_an_earlier_membership_of_a_re_added_peer_is_ignored()
    {
        var env = Clusters.Elected(3);
        env[1].Raw.ProposeConfChange(Change(R(3)));
        env.Stabilize([1, 2]);
        var readd = env[1].Raw.ProposeConfChange(Change(V(3)));
        env.Stabilize([1, 2]);
        var before = env.Status(1).Progress[3];

        // A late acknowledgement of everything, from session 1 (3's original membership).
        env[1].Raw.Step(new Message { Type = MessageType.AppendResponse, From = 3, To = 1, Term = 2, Index = readd.Index, Session = 1 });
        Assert.Equal(before, env.Status(1).Progress[3]);

        // The same reply in the current session does count.
        env[1].Raw.Step(new Message { Type = MessageType.AppendResponse, From = 3, To = 1, Term = 2, Index = readd.Index, Session = readd.Index });
        Assert.Equal(readd.Index, env.Status(1).Progress[3].Match);
    }

    // Pitfall 7: configuration changes are validated before they enter the log.
    [Fact]
    public void Invalid_configuration_changes_are_rejected_before_they_enter_the_log()
    {
        var env = Clusters.Elected(3);
        var last = env.Status(1).LastIndex;
        Assert.Equal(ProposeOutcome.ConfChangeRejected, env[1].Raw.ProposeConfChange(new ConfChange()).Outcome); // leave joint when not joint
        Assert.Equal(ProposeOutcome.ConfChangeRejected, env[1].Raw.ProposeConfChange(new ConfChange { Transition = ConfChangeTransition.JointExplicit, Changes = [R(1), R(2), R(3)] }).Outcome);
        Assert.Equal(ProposeOutcome.ConfChangeRejected, env[1].Raw.ProposeConfChange(Change(new ConfChangeSingle(ConfChangeType.AddVoter, 0))).Outcome);
        Assert.Equal(last, env.Status(1).LastIndex);
    }
}
