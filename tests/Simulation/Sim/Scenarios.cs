// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// Named schedule biases on top of the seed's swarm draw. Each planted bug has one that makes its trigger
/// likely; the bias changes rates and shapes, never the checks.
/// </summary>
public static class Scenarios
{
    public static readonly string[] Names = ["swarm", "figure8", "crashy", "vote-crash", "stale-leader", "duplicates", "membership", "placement", "replica-churn", "rejoin", "drop-crash", "lease-drift", "quiesce"];

    public static SimOptions Options(string scenario, ulong seed, PlantedBugs bugs = PlantedBugs.None)
    {
        var swarm = SimOptions.Swarm(seed, bugs) with { Scenario = scenario };
        return scenario switch
        {
            "swarm" => swarm,

            // Raft Figure 8: leaders come and go before their entries reach a majority; one entry per append
            // and slow leader fsyncs leave a quorum holding only older-term entries.
            "figure8" => swarm with
            {
                Nodes = 5, CrashRate = 0.03, CrashLeaders = true, DownMaxTicks = 20, PartitionRate = 0.08, IsolateLeaders = true, PartitionMaxTicks = 25,
                MaxMessageBytes = 1, MaxInflightMessages = 2, FsyncDelayRate = 0.4, OpRate = 0.6, DropRate = 0.05,
            },

            // Many crashes while fsyncs lag: whatever was promised before it was durable gets lost.
            "crashy" => swarm with { CrashRate = 0.05, DownMaxTicks = 15, FsyncDelayRate = 0.5, FsyncMaxDelayTicks = 4, OpRate = 0.5 },

            // Nodes crash right after voting and come back within a few ticks, into elections that split votes.
            "vote-crash" => swarm with
            {
                CrashRate = 0.12, DownMaxTicks = 3, ElectionTicks = 8, HeartbeatTicks = 2, MinDelayTicks = 1, MaxDelayTicks = 4,
                PartitionRate = 0.03, PartitionMaxTicks = 20, FsyncDelayRate = 0, OpRate = 0.2,
            },

            // An isolated leader keeps being asked to read while the majority elects and commits without it.
            "stale-leader" => swarm with
            {
                PartitionRate = 0.05, IsolateLeaders = true, PartitionMaxTicks = 60, StickyClients = true, OpRate = 0.6, CrashRate = 0,
            },

            // Duplicated and widely reordered appends: stale appends arrive after newer ones.
            "duplicates" => swarm with { DuplicateRate = 0.2, MinDelayTicks = 1, MaxDelayTicks = 8, MaxMessageBytes = 1, OpRate = 0.5 },

            // Lease reads on isolated leaders while every clock runs 60 % slow or fast, the hosts' drift bound: correct
            // leases stay safe. A lease of a whole election timeout (the planted bug) on a slow leader's clock outlives
            // the fast followers' promise not to vote; they elect a new leader, and the isolated one serves stale reads.
            // Leadership transfers move leadership onto slow nodes too (fast clocks alone would win every election).
            "lease-drift" => swarm with
            {
                Nodes = 3, Groups = 1, Keys = 6, MainTicks = 800, ElectionTicks = 20, HeartbeatTicks = 1, MinDelayTicks = 1, MaxDelayTicks = 1,
                DropRate = 0, DuplicateRate = 0, PartitionRate = 0.05, IsolateLeaders = true, PartitionMaxTicks = 60,
                StickyClients = true, Clients = 8, OpRate = 0.7, OpTimeoutTicks = 12, CrashRate = 0, PauseRate = 0, TransferRate = 0.02, MembershipRate = 0,
                LeaseReadRate = 1, ClockDrift = 0.6, ClockDriftExtremes = true, LeaseClockDrift = 0.6,
            },

            // Mostly idle groups go quiet after two rounds; then their leaders' nodes crash, pause or are cut off for long,
            // and frames around the quiesce marker are lost or duplicated: the followers must wake and elect.
            "quiesce" => swarm with
            {
                Nodes = 3, Groups = 3, QuiesceTicks = 2, OpRate = 0.03, CrashRate = 0.01, CrashLeaders = true, DownMaxTicks = 80,
                PartitionRate = 0.01, IsolateLeaders = true, PartitionMaxTicks = 80, PauseRate = 0.005, MembershipRate = 0,
            },

            // Frequent membership proposals, whether or not one is pending.
            "membership" => swarm with { Nodes = 5, MembershipRate = 0.15, OpRate = 0.4 },

            // Whole production nodes joining and draining while they crash: placement moves replicas all the time.
            "placement" => SimOptions.MembershipSwarm(seed, bugs) with { Scenario = scenario },

            // Members drained while others join, so replicas leave a node and come back to it; crashes meanwhile.
            "replica-churn" => SimOptions.MembershipSwarm(seed, bugs) with
            {
                Scenario = scenario, Nodes = 6, JoinRate = 0.03, DrainRate = 0.012, CrashRate = 0.02, DownMaxTicks = 15, DownAfterSeconds = 10,
            },

            // Replicas leave nodes and come back to them, and a node crashes right after each deletion: what the deleted
            // replica leaves behind (its term, vote and log length) must survive the restart.
            "drop-crash" => SimOptions.MembershipSwarm(seed, bugs) with
            {
                Scenario = scenario, Nodes = 6, JoinRate = 0.03, DrainRate = 0.012, CrashRate = 0.005, DownMaxTicks = 15, DownAfterSeconds = 10,
                CrashAfterDrop = true,
            },

            // Members join, snapshots are frequent (the metadata group's too), and nodes restart after them: a restarted
            // node must learn the joined members from its metadata snapshot alone. Short outages, so none is reported down.
            "rejoin" => SimOptions.MembershipSwarm(seed, bugs) with
            {
                Scenario = scenario, Nodes = 6, JoinRate = 0.03, DrainRate = 0, CrashRate = 0.01, DownMaxTicks = 15, DownAfterSeconds = 10,
                SnapshotEntries = 10 + (int)(seed % 20), SnapshotRate = 0.01, CrashAfterSnapshot = true, PartitionRate = 0,
            },
            _ => throw new ArgumentException($"unknown scenario '{scenario}' (known: {string.Join(", ", Names)})", nameof(scenario)),
        };
    }
}
