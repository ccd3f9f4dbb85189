// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// Everything one simulated run is made of. Swarm testing: each seed draws its own mix of faults (some
/// switched off entirely), so different seeds stress different corners. <see cref="Scenario"/> lets a
/// test bias the mix (e.g. many crashes) without touching the seed's determinism.
/// </summary>
public sealed record SimOptions
{
    public required ulong Seed { get; init; }
    public int Nodes { get; init; } = 3;
    public int Groups { get; init; } = 1;
    public int ElectionTicks { get; init; } = 10;
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Ticks of the faulty main phase; the heal-and-check phase follows.</summary>
    public int MainTicks { get; init; } = 500;
    public int MinDelayTicks { get; init; } = 1;
    public int MaxDelayTicks { get; init; } = 3;
    public double DropRate { get; init; }
    public double DuplicateRate { get; init; }

    /// <summary>Per-tick probability of starting a partition while none is active.</summary>
    public double PartitionRate { get; init; }
    public int PartitionMaxTicks { get; init; } = 40;
    public double CrashRate { get; init; }
    public int DownMaxTicks { get; init; } = 30;

    /// <summary>When set, crashes prefer current leaders (Figure-8-like churn).</summary>
    public bool CrashLeaders { get; init; }
    public double PauseRate { get; init; }
    public double FsyncDelayRate { get; init; }

    /// <summary>Applied entries after which a group snapshots itself (the host's <c>SnapshotEntries</c>).</summary>
    public int SnapshotEntries { get; init; } = 10_000;

    /// <summary>Entries a snapshot keeps behind it in the log (the host's <c>SnapshotCatchUpEntries</c>); few force snapshot sends.</summary>
    public int SnapshotCatchUpEntries { get; init; } = 2_000;

    /// <summary>Append batching limit handed to the core; 1 means one entry per append message.</summary>
    public long MaxMessageBytes { get; init; } = 1 << 20;
    public int MaxInflightMessages { get; init; } = 256;
    public int FsyncMaxDelayTicks { get; init; } = 4;
    public double MembershipRate { get; init; }
    public double TransferRate { get; init; }
    public double SnapshotRate { get; init; }

    /// <summary>When set, partitions isolate a current leader more often than other shapes.</summary>
    public bool IsolateLeaders { get; init; }
    public int Clients { get; init; } = 6;
    public int Keys { get; init; } = 8;

    /// <summary>Per-tick probability that an idle client starts an operation.</summary>
    public double OpRate { get; init; } = 0.3;
    public int OpTimeoutTicks { get; init; } = 40;

    /// <summary>When set, clients read from the node they believe leads (even a stale one) rather than spreading.</summary>
    public bool StickyClients { get; init; }
    public PlantedBugs PlantedBugs { get; init; }

    /// <summary>
    /// The checks that test a Raft rule at the moment it is applied (a vote or append acknowledgement sent
    /// before it is durable, a leader committing an earlier-term entry). Off, only end-to-end consequences
    /// (two leaders, lost or changed committed entries, non-linearizable histories) can catch a bug.
    /// </summary>
    public bool RuleChecks { get; init; } = true;

    /// <summary>Share of gets served as lease reads (the host's <c>LeaseReadAsync</c>) instead of ReadIndex.</summary>
    public double LeaseReadRate { get; init; }

    /// <summary>Each node's clock runs at a rate drawn from [1 − ClockDrift, 1 + ClockDrift] of simulated time, from its own offset.</summary>
    public double ClockDrift { get; init; }

    /// <summary>Every clock runs at exactly 1 − ClockDrift or 1 + ClockDrift (the worst pairs the drift allows), not anywhere between.</summary>
    public bool ClockDriftExtremes { get; init; }

    /// <summary>The hosts' configured drift bound (<c>HostOptions.LeaseClockDrift</c>): how far any clock's rate may be from real time.</summary>
    public double LeaseClockDrift { get; init; } = 0.1;

    /// <summary>Test-only storage fault: per-tick probability that a node's disk starts acknowledging fsyncs it did not do.</summary>
    public double LyingDiskRate { get; init; }

    /// <summary>The hosts' <c>HostOptions.QuiesceTicks</c>: idle heartbeat rounds before a group goes quiet (0 never).</summary>
    public int QuiesceTicks { get; init; } = 10;

    /// <summary>The hosts' <c>HostOptions.LivenessTicks</c>: most ticks between two frames to each peer.</summary>
    public int LivenessTicks { get; init; } = 3;
    public string Scenario { get; init; } = "swarm";

    /// <summary>Replicas per shard in a membership run (the production default).</summary>
    public const int ReplicationFactor = 3;

    /// <summary>
    /// A membership run: every server is the whole production node (metadata group, placement controller, replica
    /// creation and deletion); <see cref="Founders"/> bootstrap the cluster, the others wait to be added. Groups are the
    /// shards; the metadata group (0) comes on top.
    /// </summary>
    public bool Cluster { get; init; }
    public int Founders { get; init; } = 3;

    /// <summary>Per-tick probability of adding a waiting server (POST /admin/members at the metadata leader).</summary>
    public double JoinRate { get; init; }

    /// <summary>Per-tick probability of draining a member (DELETE /admin/members/{id}); the controller then removes it.</summary>
    public double DrainRate { get; init; }

    /// <summary>A node that takes a forced snapshot crashes two ticks later (restarting from that snapshot).</summary>
    public bool CrashAfterSnapshot { get; init; }

    /// <summary>A node crashes two ticks after it deletes a replica (the drop record then is durable or just lost).</summary>
    public bool CrashAfterDrop { get; init; }

    /// <summary>The metadata leader reports a member down after this much silence, and placement moves its replicas.</summary>
    public int DownAfterSeconds { get; init; } = 5;

    /// <summary>Draws a swarm configuration from <paramref name="seed"/>: each fault kind is on or off, and at what rate.</summary>
    public static SimOptions Swarm(ulong seed, PlantedBugs bugs = PlantedBugs.None)
    {
        return HostSwarm(seed, bugs);
    }

    /// <summary>A membership run drawn from <paramref name="seed"/>: the host-only draw, with whole production nodes that join and drain.</summary>
    public static SimOptions MembershipSwarm(ulong seed, PlantedBugs bugs = PlantedBugs.None)
    {
        var c = new SplitMix64(seed ^ 0x4D45_4D42_4552_5301UL);
        return HostSwarm(seed, bugs) with
        {
            Cluster = true,
            Founders = 3,
            Nodes = 5 + c.Next(2),
            MembershipRate = 0,
            JoinRate = 0.005 + 0.02 * c.NextDouble(),
            DrainRate = c.Next(3) == 0 ? 0 : 0.002 + 0.008 * c.NextDouble(),
            DownAfterSeconds = 3 + c.Next(8),
            // The whole node reads simulated time while its host reads the node's clock; in production both read one
            // clock, so drifting the host's alone would report healthy members down.
            ClockDrift = 0,
        };
    }

    private static SimOptions HostSwarm(ulong seed, PlantedBugs bugs)
    {
        var r = new SplitMix64(seed ^ 0x5157_4152_4D00_0000UL);
        double Maybe(double max, double onProbability = 0.7) => r.NextDouble() < onProbability ? max * (0.2 + 0.8 * r.NextDouble()) : 0;
        var nodes = r.Next(3) == 0 ? 3 : 5;
        return new SimOptions
        {
            Seed = seed,
            Nodes = nodes,
            Groups = 1 + r.Next(3),
            ElectionTicks = 8 + 2 * r.Next(3),
            HeartbeatTicks = 1 + r.Next(2),
            MainTicks = 800 + r.Next(800),
            MinDelayTicks = 1,
            MaxDelayTicks = 1 + r.Next(4),
            DropRate = Maybe(0.12),
            DuplicateRate = Maybe(0.08),
            PartitionRate = Maybe(0.03),
            PartitionMaxTicks = 20 + r.Next(60),
            CrashRate = Maybe(0.02),
            DownMaxTicks = 10 + r.Next(40),
            CrashLeaders = r.Next(3) == 0,
            PauseRate = Maybe(0.01, 0.5),
            FsyncDelayRate = Maybe(0.3, 0.6),
            FsyncMaxDelayTicks = 1 + r.Next(5),
            SnapshotEntries = r.Next(2) == 0 ? 10_000 : 20 + r.Next(200),
            SnapshotCatchUpEntries = r.Next(4),
            MaxMessageBytes = r.Next(3) switch { 0 => 1, 1 => 256, _ => 1 << 20 },
            MaxInflightMessages = r.Next(2) == 0 ? 2 : 256,
            MembershipRate = nodes == 5 ? Maybe(0.03, 0.6) : 0,
            TransferRate = Maybe(0.01, 0.5),
            SnapshotRate = Maybe(0.02, 0.6),
            IsolateLeaders = r.Next(2) == 0,
            Clients = 4 + r.Next(4),
            Keys = 4 + r.Next(6),
            OpRate = 0.1 + 0.4 * r.NextDouble(),
            StickyClients = r.Next(2) == 0,
            PlantedBugs = bugs,

            // Drawn last, so every option above means what it meant before leases existed. Drift stays within the
            // hosts' bound (0.1).
            LeaseReadRate = Maybe(1.0, 0.5),
            ClockDrift = Maybe(0.1, 0.5),

            // Drawn after the lease options for the same reason.
            QuiesceTicks = 1 + r.Next(10),
        };
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"seed={Seed} scenario={Scenario} nodes={Nodes} groups={Groups} election={ElectionTicks} heartbeat={HeartbeatTicks} quiesce={QuiesceTicks} ticks={MainTicks}");
        text.Append(CultureInfo.InvariantCulture, $" delay=[{MinDelayTicks},{MaxDelayTicks}] drop={DropRate:F3} dup={DuplicateRate:F3}");
        text.Append(CultureInfo.InvariantCulture, $" partition={PartitionRate:F3}/{PartitionMaxTicks}t{(IsolateLeaders ? "(leaders)" : "")}");
        text.Append(CultureInfo.InvariantCulture, $" crash={CrashRate:F3}/{DownMaxTicks}t{(CrashLeaders ? "(leaders)" : "")} pause={PauseRate:F3}");
        text.Append(CultureInfo.InvariantCulture, $" fsync-delay={FsyncDelayRate:F2}/{FsyncMaxDelayTicks}t snapshot-every={SnapshotEntries}/{SnapshotCatchUpEntries} max-msg={MaxMessageBytes}B inflight={MaxInflightMessages} membership={MembershipRate:F3} transfer={TransferRate:F3} snapshot={SnapshotRate:F3}");
        text.Append(CultureInfo.InvariantCulture, $" clients={Clients} keys={Keys} op-rate={OpRate:F2}{(StickyClients ? "(sticky)" : "")} bugs={PlantedBugs}{(RuleChecks ? "" : " rule-checks=off")}");
        if (Cluster) text.Append(CultureInfo.InvariantCulture, $" cluster founders={Founders} join={JoinRate:F3} drain={DrainRate:F3} down-after={DownAfterSeconds}s{(CrashAfterSnapshot ? " crash-after-snapshot" : "")}{(CrashAfterDrop ? " crash-after-drop" : "")}");
        text.Append(CultureInfo.InvariantCulture, $" lease-reads={LeaseReadRate:F2} clock-drift={ClockDrift:F3}{(ClockDriftExtremes ? "(extremes)" : "")}/bound {LeaseClockDrift:F2}");
        return text.ToString();
    }
}
