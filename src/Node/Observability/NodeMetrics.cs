// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics.Metrics;
using RaftCache.Node.Hosting;

namespace RaftCache.Node.Observability;

/// <summary>
/// The "RaftCache" meter (System.Diagnostics.Metrics, so dotnet-counters and any OpenTelemetry pipeline see it)
/// and the instruments recorded where things happen: the WAL's fsync, the host loop, snapshots, proposals and
/// client requests. Names follow etcd's, prefixed raftcache_; the Prometheus exporter adds unit and _total
/// suffixes. docs/operations.md lists every series.
/// </summary>
public sealed class NodeMetrics
{
    public const string MeterName = "RaftCache";

    // Disk and loop timings: 0.5 ms to 4 s, doubling (etcd's fsync buckets start at 1 ms).
    private static readonly double[] DiskBuckets = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096];
    private static readonly double[] RequestBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] SnapshotBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    public NodeMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        Host = new HostInstruments
        {
            WalFsyncSeconds = Seconds("raftcache_wal_fsync_duration_seconds", "Time of one WAL fsync (one per host-loop step that wrote, all shards together).", DiskBuckets),
            WalBytes = Meter.CreateCounter<long>("raftcache_wal_written_bytes", "By", "Bytes written to the WAL."),
            WalSyncs = Meter.CreateCounter<long>("raftcache_wal_syncs", null, "WAL batches written and fsynced."),
            LoopIterationSeconds = Seconds("raftcache_host_loop_iteration_duration_seconds", "Time of one host-loop iteration: inbox work, persistence, sends, applies.", DiskBuckets),
            Proposals = Meter.CreateCounter<long>("raftcache_raft_proposals", null, "Proposals made on this node, by shard and outcome (accepted, dropped)."),
            ReadIndexRequests = Meter.CreateCounter<long>("raftcache_raft_read_index_requests", null, "ReadIndex confirmations asked (linearizable and lease reads)."),
            AppliedEntries = Meter.CreateCounter<long>("raftcache_raft_applied_entries", null, "Committed entries applied by this replica."),
            SnapshotSaveSeconds = Seconds("raftcache_snapshot_save_duration_seconds", "Time to write a snapshot of a shard to disk.", SnapshotBuckets),
            SnapshotSaveBytes = Meter.CreateCounter<long>("raftcache_snapshot_save_bytes", "By", "Bytes of snapshots written to disk."),
            SnapshotInstallSeconds = Seconds("raftcache_snapshot_install_duration_seconds", "Time to install a snapshot received from a leader.", SnapshotBuckets),
            SnapshotInstallBytes = Meter.CreateCounter<long>("raftcache_snapshot_install_bytes", "By", "Bytes of snapshots installed from a leader."),
            SnapshotSendBytes = Meter.CreateCounter<long>("raftcache_snapshot_sent_bytes", "By", "Bytes of snapshots handed to the transport for a peer (moves and lagging followers)."),
            SnapshotSendSeconds = Seconds("raftcache_snapshot_send_duration_seconds", "Time to stream snapshot frames to a peer over the rate-limited snapshot connection.", SnapshotBuckets),
        };
        Forwarded = Meter.CreateCounter<long>("raftcache_forwarded_requests", null, "Client requests this node forwarded to a shard's leader, by shard.");
        Requests = Seconds("raftcache_request_duration_seconds", "Client requests by API (rest, resp), route or command, method, status and whether another node forwarded it.", RequestBuckets);
    }

    public Meter Meter { get; }

    /// <summary>The instruments the host loop and the WAL record into.</summary>
    public HostInstruments Host { get; }

    /// <summary>Requests forwarded to another node's leader, by shard.</summary>
    public Counter<long> Forwarded { get; }

    /// <summary>Client request latency; the count of its samples is the request count.</summary>
    public Histogram<double> Requests { get; }

    private Histogram<double> Seconds(string name, string description, double[] buckets) =>
        Meter.CreateHistogram(name, "s", description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
}
