// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;

namespace RaftCache.Chaos;

/// <summary>The named scenarios of the battery (reliability.md §5).</summary>
public enum Scenario
{
    /// <summary>Kill a random node or a shard leader, restart it 1-4 s later.</summary>
    K1,

    /// <summary>Kill a majority (sometimes right after a forced snapshot), restart it.</summary>
    K2,

    /// <summary>Kill every node, restart them all: acknowledged writes are fsync'd, so nothing may be lost.</summary>
    K3,

    /// <summary>Pause a shard leader 2-6 s (leadership of another shard moved meanwhile), unpause.</summary>
    P,

    /// <summary>iptables partitions: isolated leader, majority/minority, one-way; healed after 4-8 s.</summary>
    N,

    /// <summary>A random mix of all the faults (the new ones included) plus forced snapshots, leader transfers and membership changes.</summary>
    M,

    /// <summary>Packet loss (20-70%) between a shard leader and some peers, one-way or both ways.</summary>
    L,

    /// <summary>Clock jumps, steps back and drifts on one node at a time (libfaketime).</summary>
    C,

    /// <summary>One node's disk filled up, then freed.</summary>
    D,

    /// <summary>One node's disk writes throttled (cgroup blkio), then released.</summary>
    S,

    /// <summary>
    /// Reconfiguration under faults: members added (--join + POST /admin/members) and removed (DELETE, founders
    /// and joiners alike) between 3 and 5, interleaved with kills, pauses, partitions and leader transfers.
    /// </summary>
    R,
}

/// <summary>
/// Injects one fault at a time on a schedule drawn from the run's seed (targets that depend on who leads are
/// looked up live and logged). Each fault is undone before the next one starts; the log says what and when.
/// </summary>
public sealed partial class Nemesis(ChaosCluster cluster, Scenario scenario, int seed, Stopwatch clock)
{
    private readonly Random _random = new(seed);
    private readonly List<string> _log = [];

    public int Faults { get; private set; }

    public IReadOnlyList<string> Log => _log;

    /// <summary>Injects faults until <paramref name="until"/> (on the run's clock); the last fault is undone after it.</summary>
    public async Task RunAsync(TimeSpan until)
    {
        Note($"nemesis {scenario} seed {seed}, {cluster.Nodes.Count} nodes, faults until {until.TotalSeconds:F0} s");
        while (clock.Elapsed < until)
        {
            await Hold(1.0, 2.0); // quiet time so the cluster serves between faults
            switch (scenario)
            {
                case Scenario.K1: await KillOneAsync(leader: _random.Next(2) == 0); break;
                case Scenario.K2: await KillMajorityAsync(); break;
                case Scenario.K3: await KillAllAsync(); break;
                case Scenario.P: await PauseLeaderAsync(); break;
                case Scenario.N: await PartitionAsync(); break;
                case Scenario.R: await ReconfigureAsync(); break;
                case Scenario.L: await LoseAsync(); break;
                case Scenario.C: await SkewClockAsync(); break;
                case Scenario.D: await FillDiskAsync(); break;
                case Scenario.S: await SlowDiskAsync(); break;
                default: await MixAsync(); break;
            }
        }

        Note($"nemesis done: {Faults} faults");
    }

    /// <summary>The scenarios whose nemesis needs small disks or a fake clock on the nodes.</summary>
    public static ClusterFeatures FeaturesOf(Scenario scenario) => scenario switch
    {
        Scenario.M => ClusterFeatures.SmallDisks | ClusterFeatures.FakeClock,
        Scenario.C => ClusterFeatures.FakeClock,
        Scenario.D or Scenario.S => ClusterFeatures.SmallDisks,
        _ => ClusterFeatures.None,
    };

    private Task MixAsync() => _random.Next(13) switch
    {
        12 => LoseAsync(),
        11 => SkewClockAsync(),
        10 => FillDiskAsync(),
        9 => SlowDiskAsync(),
        8 => MembershipStepAsync(),
        0 => KillOneAsync(leader: false),
        1 => KillOneAsync(leader: true),
        2 => KillMajorityAsync(),
        3 => KillAllAsync(),
        4 => PauseLeaderAsync(),
        5 => SnapshotAsync(),
        _ => PartitionAsync(),
    };

    private void Note(string line)
    {
        // Both clocks: seconds into the run, and the Stopwatch time the history's intervals are written in.
        var stamp = clock.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture).PadLeft(7);
        var ms = (Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency).ToString("F1", CultureInfo.InvariantCulture);
        lock (_log) _log.Add($"{stamp}s [{ms}ms] {line}");
    }

    /// <summary>Waits a random time in [min, max) seconds: the schedule of the fault, not a synchronisation.</summary>
    private Task Hold(double minSeconds, double maxSeconds) =>
        Task.Delay(TimeSpan.FromSeconds(minSeconds + (_random.NextDouble() * (maxSeconds - minSeconds))));

    private int RandomNode()
    {
        var nodes = cluster.Nodes;
        return nodes[_random.Next(nodes.Count)];
    }

    private int RandomShard() => 1 + _random.Next(ChaosCluster.Shards);

    /// <summary>A member that is neither killed nor paused, or 0 when there is none.</summary>
    private int LiveMember(int avoid = 0) =>
        cluster.Members.Where(n => n != avoid && !cluster.IsDown(n) && !cluster.IsPaused(n)).OrderBy(_ => _random.Next()).FirstOrDefault();

    /// <summary>The current leader of a random shard, asked of a node that is up; a random node if nobody knows.</summary>
    private async Task<(int Node, int Shard)> LeaderAsync()
    {
        var shard = RandomShard();
        foreach (var asking in cluster.Members.Where(n => !cluster.IsDown(n) && !cluster.IsPaused(n)))
        {
            var leader = await cluster.LeaderOfAsync(shard, asking);
            if (leader > 0) return (leader, shard);
        }

        return (RandomNode(), shard);
    }
}
