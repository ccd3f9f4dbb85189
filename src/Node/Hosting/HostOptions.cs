// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>Timing and sizing of the host loop.</summary>
public sealed record HostOptions
{
    public required ulong NodeId { get; init; }
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(100);
    public int ElectionTicks { get; init; } = 10;
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Applied entries after which a group snapshots itself and compacts its log.</summary>
    public int SnapshotEntries { get; init; } = 10_000;

    /// <summary>
    /// Bytes of applied entries after which a group snapshots even before <see cref="SnapshotEntries"/>: with large
    /// values an entry count alone lets a group's live log grow until the WAL must carry it forward into new
    /// segments (rewriting it on the loop). Bounding it by bytes keeps old segments reclaimable.
    /// </summary>
    public long SnapshotLogBytes { get; init; } = 16L << 20;

    /// <summary>Entries kept behind a snapshot so a slightly lagging follower catches up from the log, not a snapshot.</summary>
    public int SnapshotCatchUpEntries { get; init; } = 2_000;

    /// <summary>Bytes of entries (<see cref="Entry.SizeBytes"/>) kept behind a snapshot at most, whatever <see cref="SnapshotCatchUpEntries"/> allows.</summary>
    public long SnapshotCatchUpBytes { get; init; } = 4L << 20;

    /// <summary>
    /// Snapshots a node reads from disk for followers at once; beyond it a send is refused and the leader retries
    /// after its next heartbeat, so the transient copies of snapshots being sent stay bounded.
    /// </summary>
    public int MaxSnapshotSendsInFlight { get; init; } = 4;

    /// <summary>Work items handled before the loop turns to persistence and sending, so one flood cannot starve the rest.</summary>
    public int MaxWorkPerIteration { get; init; } = 4096;

    /// <summary>Seed of election jitter; each group mixes in its id so groups do not campaign in lockstep.</summary>
    public ulong RandomSeed { get; init; }

    /// <summary>Upper bound of entry bytes in one append message (the core's <see cref="RaftConfig.MaxMessageBytes"/>).</summary>
    public long MaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>Append messages in flight to one follower (the core's <see cref="RaftConfig.MaxInflightMessages"/>).</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>
    /// Bound on how far any node's clock rate may be from real time (0.1 = each clock within ±10 %). A leader's read
    /// lease lasts (ElectionTicks − 1) ticks scaled by (1 − drift) / (1 + drift) of its own clock: a follower that
    /// acknowledged the leader refuses other candidates for ElectionTicks of its own ticks (RaftHost.Lease.cs).
    /// </summary>
    public double LeaseClockDrift { get; init; } = 0.1;

    /// <summary>
    /// True: a leader holding its read lease gives every read index (its own linearizable reads, its followers'
    /// ReadIndex requests) from the lease, without a heartbeat round, so linearizable reads rest on the lease's clock
    /// bound too. False (default): only lease reads' requests are answered from it; every linearizable read index is
    /// confirmed by a quorum (a heartbeat round, or a follower's own request with the leader in a group of three),
    /// whatever the clocks do.
    /// </summary>
    public bool ReadIndexFromLease { get; init; }

    /// <summary>Idle, fully replicated heartbeat rounds before a leader quiesces its group (RaftHost.Quiescence.cs); 0 never.</summary>
    public int QuiesceTicks { get; init; } = 10;

    /// <summary>Most ticks between two frames to each peer sharing a group (liveness); well below <see cref="ElectionTicks"/>.</summary>
    public int LivenessTicks { get; init; } = 3;

    /// <summary>
    /// Ticks one firing of the tick timer counts while every group on the node is quiesced and nothing waits
    /// (RaftHost.IdleTicks.cs): fewer wake-ups of an idle node, for up to this many ticks less one of extra failure
    /// detection time. 1 ticks every <see cref="Tick"/> always; at most <see cref="LivenessTicks"/>.
    /// </summary>
    public int IdleTicksPerWake { get; init; } = 3;

    /// <summary>Known Raft bugs switched on in every group's core; only the simulation's planted-bug tests set any.</summary>
    public PlantedBugs PlantedBugs { get; init; }
}
