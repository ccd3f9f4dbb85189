// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Xunit.Abstractions;

namespace RaftCache.Chaos;

/// <summary>
/// The Docker chaos battery: each scenario starts a fresh cluster in containers, runs recording clients while its
/// nemesis kills, pauses, partitions, drops packets, skews clocks or fills and slows disks, heals, and then requires: per-key linearizability, no
/// lost acknowledged write, no duplicate, equal applied index and state hash on every replica, a settled placement
/// (replication factor of voters per shard on live members, no move in progress), and service after healing.
/// RAFTCACHE_CHAOS_SECONDS / _NODES / _REPEAT / _SEED make the same tests a long battle.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosScenarioTests(ChaosImageFixture image, ITestOutputHelper output)
{
    [Fact]
    public Task K1_killing_a_random_node_or_a_shard_leader_loses_no_acknowledged_write() => RunAsync(Scenario.K1, 3);

    [Fact]
    public Task K2_killing_a_majority_stalls_writes_but_loses_nothing_once_restarted() => RunAsync(Scenario.K2, 3);

    [Fact]
    public Task K3_killing_every_node_at_once_loses_no_acknowledged_write() => RunAsync(Scenario.K3, 3);

    [Fact]
    public Task P_pausing_a_shard_leader_never_serves_a_stale_read() => RunAsync(Scenario.P, 3);

    [Fact]
    public Task N_partitions_isolating_leaders_and_minorities_keep_every_key_linearizable() => RunAsync(Scenario.N, 3);

    [Fact]
    public Task M_a_mix_of_every_fault_on_five_nodes_with_snapshots_and_leader_transfers_stays_linearizable() => RunAsync(Scenario.M, 5);

    [Fact]
    public Task R_adding_and_removing_members_during_faults_keeps_every_key_and_settles_the_placement() => RunAsync(Scenario.R, 3);

    [Fact]
    public Task L_packet_loss_between_a_leader_and_its_peers_one_way_or_both_keeps_every_key_linearizable() => RunAsync(Scenario.L, 3);

    [Fact]
    public Task C_clock_jumps_steps_back_and_drifts_never_serve_a_stale_lease_or_linearizable_read() => RunAsync(Scenario.C, 3);

    [Fact]
    public Task D_a_full_disk_stops_its_node_without_corruption_and_it_recovers_once_space_is_freed() => RunAsync(Scenario.D, 3);

    [Fact]
    public Task S_a_slow_disk_on_one_node_keeps_the_cluster_serving_and_the_node_catches_up() => RunAsync(Scenario.S, 3);

    private async Task RunAsync(Scenario scenario, int defaultNodes)
    {
        output.WriteLine($"image built in {image.BuildTime.TotalSeconds:F1} s (once per test run)");
        var nodes = ChaosSettings.Nodes ?? defaultNodes;

        // A long battle (RAFTCACHE_CHAOS_REPEAT) goes on after a failed run, so one finding does not end it; every
        // failure is reported at the end, each with its seed and where its evidence is kept.
        var failures = new List<string>();
        for (var i = 0; i < ChaosSettings.Repeat; i++)
        {
            try
            {
                var figures = await new ScenarioRun(scenario, nodes, ChaosSettings.NextSeed(), output.WriteLine).RunAsync();

                // A run that checked almost nothing proves nothing: the workload must have had real traffic.
                if (figures.Ok < 100) failures.Add($"only {figures.Ok} operations succeeded: the run is too thin to show anything");
                if (figures.Faults < 1) failures.Add("the nemesis injected no fault");
            }
            catch (Exception e) when (ChaosSettings.Repeat > 1)
            {
                failures.Add(e.Message);
                output.WriteLine($"run {i + 1} of {ChaosSettings.Repeat} failed, going on: {e.Message.Split('\n')[0]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }
}
