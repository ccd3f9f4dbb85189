// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Simulation.Sim;

namespace RaftCache.Simulation;

/// <summary>
/// Named scenarios with fixed options (TigerBeetle style), each aimed at one mechanism, including the
/// situations that once broke a sweep. Every run still goes through all invariants, the heal, the
/// convergence check and the linearizability check; each test also asserts its fault actually happened.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class ScenarioTests
{
    private static SimOptions Quiet(ulong seed, [System.Runtime.CompilerServices.CallerMemberName] string test = "") => new()
    {
        Seed = seed, Scenario = $"explicit:{nameof(ScenarioTests)}.{test}", Nodes = 5, Groups = 1, MainTicks = 600, MaxDelayTicks = 2, Clients = 5, Keys = 6, OpRate = 0.4,
    };

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void Learners_added_after_a_snapshot_catch_up_from_a_fresh_snapshot(ulong seed)
    {
        // Regression: a learner added after the leader's last snapshot was sent that old snapshot forever
        // (it does not list the learner, which ignores it); the host now takes a fresh one.
        var result = Simulator.Run(Quiet(seed) with { SnapshotRate = 0.1, MembershipRate = 0.05 });
        Assert.True(result.Snapshots > 0 && result.ConfChangesProposed > 0, result.ToString());
    }

    [Theory]
    [InlineData(4UL)]
    [InlineData(5UL)]
    public void A_candidate_paused_mid_election_may_win_its_stale_term_without_breaking_anything(ulong seed)
    {
        // Regression: a paused candidate resumed and won its old term after a newer term had committed
        // entries. Legal (leader completeness covers later terms only); the history must stay linearizable.
        var result = Simulator.Run(Quiet(seed) with { PauseRate = 0.03, ElectionTicks = 8, HeartbeatTicks = 2 });
        Assert.True(result.Pauses > 0, result.ToString());
    }

    [Theory]
    [InlineData(6UL)]
    [InlineData(7UL)]
    public void Leader_isolation_and_crashes_with_slow_fsyncs_keep_acknowledged_writes(ulong seed)
    {
        var result = Simulator.Run(Quiet(seed) with
        {
            PartitionRate = 0.03, IsolateLeaders = true, CrashRate = 0.02, CrashLeaders = true, FsyncDelayRate = 0.5,
        });
        Assert.True(result.Crashes > 0 && result.Partitions > 0 && result.Acknowledged > 0, result.ToString());
    }

    [Theory]
    [InlineData(8UL)]
    [InlineData(9UL)]
    public void Membership_changes_and_leader_transfers_during_loss_and_duplication(ulong seed)
    {
        var result = Simulator.Run(Quiet(seed) with
        {
            MembershipRate = 0.05, TransferRate = 0.03, DropRate = 0.05, DuplicateRate = 0.05, MaxDelayTicks = 5, Groups = 2,
        });
        Assert.True(result.ConfChangesProposed > 0 && result.Transfers > 0 && result.MessagesDuplicated > 0, result.ToString());
    }

    [Fact]
    public void Three_nodes_three_groups_under_every_fault_at_once()
    {
        var result = Simulator.Run(new SimOptions
        {
            Seed = 10, Scenario = $"explicit:{nameof(ScenarioTests)}.{nameof(Three_nodes_three_groups_under_every_fault_at_once)}", Nodes = 3, Groups = 3, MainTicks = 800, MaxDelayTicks = 4, DropRate = 0.05, DuplicateRate = 0.05,
            PartitionRate = 0.02, CrashRate = 0.01, PauseRate = 0.01, FsyncDelayRate = 0.3, TransferRate = 0.01, SnapshotRate = 0.02,
            MaxMessageBytes = 1, MaxInflightMessages = 2, SnapshotEntries = 40, SnapshotCatchUpEntries = 1,
        });
        Assert.True(result.Crashes > 0 && result.Partitions > 0 && result.Snapshots > 0, result.ToString());
    }

    [Theory]
    [InlineData(10UL)]
    [InlineData(11UL)]
    public void The_host_keeps_stepping_and_sending_while_its_fsync_is_slow(ulong seed)
    {
        // The pipelined loop: groups outside the batch being synced keep sending heartbeats, appends and answers
        // while its fsync runs; what promised durability waits for it (the oracle checks every acknowledgement and
        // vote against the synced disk).
        var result = Simulator.Run(Quiet(seed) with { Groups = 3, FsyncDelayRate = 0.6, FsyncMaxDelayTicks = 5, CrashRate = 0.01, CrashLeaders = true });
        Assert.True(result.ChecksRun.GetValueOrDefault("sent while the fsync runs") > 0 && result.Crashes > 0 && result.Acknowledged > 0, result.ToString());
    }

    [Theory]
    [InlineData(12UL)]
    [InlineData(13UL)]
    public void Lease_reads_on_isolated_leaders_with_clocks_drifting_within_the_bound_stay_linearizable(ulong seed)
    {
        var result = Simulator.Run(Scenarios.Options("lease-drift", seed));
        Assert.True(result.ChecksRun.GetValueOrDefault("lease read served from the lease") > 0 && result.Partitions > 0, result.ToString());
    }

    [Theory]
    [InlineData(14UL)]
    [InlineData(15UL)]
    public void Quiesced_followers_on_sparse_ticks_still_notice_a_dead_leader_in_time(ulong seed)
    {
        // Idle nodes let their tick timer fire every IdleTicksPerWake ticks; the oracle's bound on how long a quiesced
        // follower stays quiet without its leader must hold from those sparse ticks too.
        var result = Simulator.Run(Scenarios.Options("quiesce", seed));
        Assert.True(result.ChecksRun.GetValueOrDefault("idle node on sparse ticks") > 0
            && result.ChecksRun.GetValueOrDefault("quiesced follower without its leader on sparse ticks") > 0 && result.Crashes > 0, result.ToString());
    }
}
