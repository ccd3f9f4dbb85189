// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

public sealed partial class Simulator
{
    /// <summary>
    /// Proposes a membership change at a group's leader, computed from the leader's applied configuration:
    /// add a learner, promote it (alone, or replacing a voter through joint consensus), or remove a voter
    /// (the leader too). Proposals are made whether or not a change is pending: the core must refuse the
    /// second one, and with <see cref="PlantedBugs.ConfChangeWhilePending"/> the oracle must notice it did not.
    /// </summary>
    private void ChangeMembership()
    {
        var group = RandomGroup();
        var leader = LeaderOf(group);
        if (leader == 0 || !Nodes[(int)leader - 1].Runnable(Now)) return;
        var node = Nodes[(int)leader - 1];
        var replica = node.Replicas[group];
        var conf = replica.Conf;
        var voters = conf.Voters.ToList();
        var members = voters.Concat(conf.Learners).Concat(conf.VotersOutgoing).Distinct().ToHashSet();
        var spares = Nodes.Select(n => n.Id).Where(id => !members.Contains(id)).ToList();
        ConfChange? change = null;
        if (conf.Learners.Length > 0)
        {
            var learner = conf.Learners[Random.Next(conf.Learners.Length)];
            change = voters.Count >= 4 || Random.Next(2) == 0
                ? Change(ConfChangeTransition.Auto, new ConfChangeSingle(ConfChangeType.AddVoter, learner), new ConfChangeSingle(ConfChangeType.RemoveNode, voters[Random.Next(voters.Count)]))
                : Change(Random.Next(3) == 0 ? ConfChangeTransition.JointImplicit : ConfChangeTransition.Auto, new ConfChangeSingle(ConfChangeType.AddVoter, learner));
        }
        else if (spares.Count > 0 && (voters.Count <= 3 || Random.Next(2) == 0))
        {
            change = Change(ConfChangeTransition.Auto, new ConfChangeSingle(ConfChangeType.AddLearner, spares[Random.Next(spares.Count)]));
        }
        else if (voters.Count > 3)
        {
            change = Change(ConfChangeTransition.Auto, new ConfChangeSingle(ConfChangeType.RemoveNode, voters[Random.Next(voters.Count)]));
        }

        if (change is null) return;
        _confChanges++;
        Trace.Note(Now, $"g{group} CONF CHANGE at n{leader} {ConfChangeCodec.Describe(change)} (config {conf})");
        node.Invoke(group, r =>
        {
            var result = r.Node.ProposeConfChange(change);
            Trace.Add(Now, 13, leader, group, (ulong)result.Outcome, result.Index, () => $"n{leader} g{group} conf change -> {result.Outcome} {result.Index}");
        });
    }

    private static ConfChange Change(ConfChangeTransition transition, params ConfChangeSingle[] changes) =>
        new() { Transition = transition, Changes = [.. changes] };
}
