// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Simulation.Sim;

namespace RaftCache.Simulation;

/// <summary>
/// Membership seeds that once failed, pinned with what went wrong. They are meaningful for the current scenario
/// draws only: when a draw changes, re-pin them.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class MembershipRegressionSeedTests
{
    [Theory]

    // Founders n1-n3 all drained while n4-n6 were active: shard 1 had no replica on an active member, and the
    // planner moved a shard off leaving members only when one of its replicas stayed, so n1 stayed leaving.
    [InlineData("replica-churn", 3UL)]

    // A move towards n4 was abandoned while n4 was reported down, and n4 deleted its learner replica (its own log
    // had not reached the entry adding it) while the shard leader still counted it; planned again, n4 re-created
    // the replica empty and the next heartbeat's commit index was beyond its log. A replica a leader still
    // sends to is now kept.
    [InlineData("replica-churn", 23UL)]

    // n4 was drained right after it joined: the controller removed it from the record while its addition to the
    // metadata group was still pending, the addition then applied, and the group kept a learner no member named.
    [InlineData("replica-churn", 14UL)]

    // n6, then n4, then n5 joined (ids chosen, not in order): n5's record, still older than n4's admission, refused
    // the metadata leader n4 as an id the cluster never gave out, so n5 never caught up. The members named to a node
    // when it joins are now admitted.
    [InlineData("placement", 1294UL)]

    // n3 proposed a put while leading shard 2, was moved off before the entry committed, and deleted its replica:
    // the put was answered "not applied", yet the rest of the group committed it (reads then saw it). A proposal
    // waiting on a deleted replica is now answered "may have applied".
    [InlineData("rejoin", 6UL)]

    // A shard leader removed by its own configuration change deleted its replica and answered its pending writes
    // "not applied"; the other replicas committed them (a client told "not applied" then read the value).
    [InlineData("placement", 22UL)]

    // A replica deleted, then created again on the same node with an empty log and term 0 while a lagging member still
    // counted the old replica as a voter: its vote elected a leader missing a committed entry. A replica created again
    // now inherits its predecessor's term and vote and withholds votes until its log passes the old one's.
    [InlineData("placement", 192UL)]

    // The admission rule refused a member whose id was below an id given out earlier (ids may be chosen), so a lagging
    // member never heard from the metadata leader again.
    [InlineData("replica-churn", 52UL)]

    // A member removed while its learner addition to the metadata group was in flight stayed in the group for good.
    [InlineData("replica-churn", 82UL)]

    // n2 fsynced a term-8 entry and crashed before its pipelined loop heard the fsync return; the restarted leader's
    // next entry was recorded by the oracle with no predecessor, so a follower's correct copy looked like a different
    // history ("log matching"). The oracle now learns a predecessor recovered from disk.
    [InlineData("placement", 78UL)]

    // n3 was removed from shard 1 as a learner: the voters did not change, so the leader never reported the new
    // configuration, the record stayed one index behind the replica's own, and n3 never deleted it. A leader now
    // reports when only the learners changed.
    [InlineData("rejoin", 32UL)]
    public void Pinned_membership_seed_converges(string scenario, ulong seed)
    {
        var sweep = SeedSweep.Run(seed, 1, 1, s => Scenarios.Options(scenario, s));
        Assert.True(sweep.Failures.Count == 0, sweep.Failures.FirstOrDefault()?.Message);
        Assert.True(Assert.Single(sweep.Passed).Options.Cluster);
    }
}
