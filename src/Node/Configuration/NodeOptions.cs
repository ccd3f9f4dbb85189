// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;

namespace RaftCache.Node.Configuration;

/// <summary>
/// Settings of one node, bound from appsettings.json, then <c>RAFTCACHE__…</c> environment variables, then
/// command-line options (<c>--id</c>, <c>--listen</c>, …); the later source wins. Validated at start with
/// errors that name the setting (<see cref="NodeOptionsValidator"/>).
/// </summary>
public sealed partial class NodeOptions
{
    public const string Section = "RaftCache";

    /// <summary>This node's id: a positive integer, unique in the cluster forever (ids are never reused).</summary>
    public ulong Id { get; set; }

    /// <summary>The REST endpoint, e.g. http://127.0.0.1:5001. Never a wildcard address by default: nodes share loopback.</summary>
    public string Listen { get; set; } = "http://127.0.0.1:5001";

    /// <summary>The peer (Raft) endpoint as host:port, e.g. 127.0.0.1:6001. Outgoing peer connections are bound to its address.</summary>
    public string PeerListen { get; set; } = "127.0.0.1:6001";

    /// <summary>Where the write-ahead log and snapshots live. Must be writable; one node per folder.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>
    /// The founding members as <c>id=peerHost:port</c> pairs separated by commas, e.g.
    /// <c>1=127.0.0.1:6001,2=127.0.0.1:6002,3=127.0.0.1:6003</c>. Used once, to bootstrap an empty data
    /// folder; ignored afterwards (the membership then lives in the metadata group).
    /// </summary>
    public string? InitialCluster { get; set; }

    /// <summary>The REST address of any member, for a node that joins a running cluster (set instead of <see cref="InitialCluster"/>).</summary>
    public string? Join { get; set; }

    /// <summary>Shards (Raft groups of data) the 16,384 slots are divided into; fixed at bootstrap.</summary>
    public int Shards { get; set; } = 16;

    /// <summary>Replicas per shard, on different nodes.</summary>
    public int ReplicationFactor { get; set; } = 3;

    /// <summary>Length of one Raft tick.</summary>
    public int TickMs { get; set; } = 100;

    /// <summary>Election timeout in ticks (randomised in [E, 2E)).</summary>
    public int ElectionTicks { get; set; } = 10;

    /// <summary>Heartbeat interval in ticks.</summary>
    public int HeartbeatTicks { get; set; } = 1;

    /// <summary>
    /// Bound, in percent, on how far any node's clock rate may be from real time; it shortens the leader's read lease
    /// (consistency=lease) below the election timeout. 0 trusts the clocks fully; at most 50.
    /// </summary>
    public int LeaseClockDriftPercent { get; set; } = 10;

    /// <summary>
    /// A leader holding its read lease gives linearizable reads their read index from it, without a heartbeat round
    /// (they then rest on the clock bound above, as lease reads do); false confirms each batch by a quorum.
    /// </summary>
    public bool ReadIndexFromLease { get; set; }

    /// <summary>Largest value accepted, in bytes (API.md: default 1 MiB).</summary>
    public int MaxValueBytes { get; set; } = 1 << 20;

    /// <summary>Expiry applied when a write names none; 0 means "no default expiry".</summary>
    public int DefaultTtlSeconds { get; set; } = 600;

    /// <summary>How long a request waits for a leader, a quorum or a forward before answering 503.</summary>
    public int RequestTimeoutMs { get; set; } = 5000;

    /// <summary>Memory limit of each shard replica's cache, in accounted bytes.</summary>
    public long MaxMemoryBytesPerShard { get; set; } = 256L << 20;

    /// <summary>Entries after which a shard replica snapshots itself and compacts its log.</summary>
    public int SnapshotEntries { get; set; } = 10_000;

    /// <summary>Bytes of log after which a replica snapshots even sooner, so the WAL stays reclaimable with large values.</summary>
    public long SnapshotLogBytes { get; set; } = 16L << 20;

    /// <summary>Bytes of log a replica keeps behind its snapshot at most, for followers that lag slightly (besides SnapshotEntries / 5 entries).</summary>
    public long SnapshotCatchUpBytes { get; set; } = 4L << 20;

    /// <summary>
    /// Seconds a member may stay unreachable from the metadata leader before its replicas are re-created on
    /// other members. Short enough to restore redundancy, long enough that a restart or a missed heartbeat
    /// never moves data.
    /// </summary>
    public int DownAfterSeconds { get; set; } = 30;

    /// <summary>Shards whose replicas may be moving at the same time, cluster-wide (bounds the extra load of rebalancing).</summary>
    public int MaxConcurrentMoves { get; set; } = 2;

    /// <summary>
    /// A shard's leader hands its leadership to the member that brings most of the shard's writes and lease reads (docs/operations.md, "Leaders follow the load"), so clients that talk to one member are served without a
    /// forward. False keeps leaders where the placement balances them, whatever the traffic.
    /// </summary>
    public bool LeadersFollowLoad { get; set; } = true;

    /// <summary>Seconds over which <see cref="LeadersFollowLoad"/> counts where each shard's requests come from.</summary>
    public int LoadWindowSeconds { get; set; } = 10;

    /// <summary>
    /// MiB per second this node sends snapshots to one peer (moves, re-replication, far-behind followers). Moving
    /// data costs CPU on both ends (encode, seal, write, fsync, decode) in proportion to this rate, so it is what
    /// client traffic keeps during a rebalance: docs/operations.md, "Adding a node".
    /// </summary>
    public int SnapshotRateMiB { get; set; } = PeerLimits.DefaultSnapshotMiBPerSecond;

    /// <summary>
    /// The secret every member proves it knows before a peer accepts its Raft frames (at least 16 bytes of UTF-8;
    /// docs/security.md). Prefer <see cref="ClusterSecretFile"/>: a command line is visible to
    /// other local users. Required unless <see cref="InsecurePeers"/> is set.
    /// </summary>
    public string? ClusterSecret { get; set; }

    /// <summary>A file holding the cluster secret (trailing whitespace and newlines are ignored). Give this or <see cref="ClusterSecret"/>.</summary>
    public string? ClusterSecretFile { get; set; }

    /// <summary>
    /// UNSAFE: run the peer protocol without a cluster secret, so anyone who reaches the peer port can join, vote
    /// and inject entries. For throwaway local experiments only; a node without a secret refuses to start otherwise.
    /// </summary>
    public bool InsecurePeers { get; set; }

    /// <summary>
    /// A key file for encryption at rest of the WAL and snapshots (AES-256-GCM): one 32-byte key as base64 or hex,
    /// or lines <c>id:key</c> where the highest id encrypts new data and the others only decrypt old data (rotation,
    /// docs/security.md). Unset: the plain format. Once data is encrypted, the node needs the key
    /// ids it was written with to start.
    /// </summary>
    public string? EncryptionKeyFile { get; set; }

    /// <summary>
    /// UNSAFE: acknowledge writes before they are fsync'd. Gives up the promise that an acknowledged write
    /// survives the loss of nodes; off by default and never set by the dev cluster.
    /// </summary>
    public bool UnsafeNoFsync { get; set; }

    /// <summary>
    /// A node that learns it was removed from its cluster keeps its process running (answering <c>/health/ready</c>
    /// with 503 "removed" and serving no keys) instead of exiting with <see cref="ExitCodes.Removed"/>: for
    /// inspection, and under orchestrators that restart every exited process.
    /// </summary>
    public bool StayUpWhenRemoved { get; set; }

    /// <summary>
    /// The exit code of a removed node (default <see cref="ExitCodes.Removed"/>). A container runtime whose restart
    /// policy can only tell success from failure (Docker's <c>on-failure</c>) sets 0, so a removed node stays stopped.
    /// </summary>
    public int RemovedExitCode { get; set; } = ExitCodes.Removed;

    /// <summary>Open REST connections a node accepts at once (Kestrel's MaxConcurrentConnections); more wait in the accept queue.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Total size of a request's headers (Kestrel's MaxRequestHeadersTotalSize); larger requests get 431.</summary>
    public int MaxRequestHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>Largest page of GET /admin/keys: a larger ?limit= is clamped to it.</summary>
    public int MaxKeysPerPage { get; set; } = 1000;

    /// <summary>RESP (Redis protocol) endpoint, HOST:PORT or :PORT (the host of <see cref="Listen"/>); empty = off.</summary>
    public string? RespListen { get; set; }

    /// <summary>RESP cluster mode: CLUSTER SLOTS/SHARDS/NODES and MOVED instead of proxying (docs/resp.md).</summary>
    public bool RespCluster { get; set; }

    /// <summary>Read consistency of RESP connections: linearizable (default), lease or local.</summary>
    public string RespReadConsistency { get; set; } = "linearizable";
}
