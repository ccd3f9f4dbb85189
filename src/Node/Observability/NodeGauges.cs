// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics.Metrics;
using RaftCache.Node.Api;
using RaftCache.Node.Hosting;

namespace RaftCache.Node.Observability;

/// <summary>
/// Observable instruments: read at collection time from figures the node already keeps (Raft positions and
/// roles, cache sizes, member states, peer traffic), so measuring them adds nothing to the host loop's work
/// between scrapes. Per-shard figures are taken on the loop at most once per <see cref="FiguresMaxAge"/>.
/// </summary>
public sealed class NodeGauges
{
    /// <summary>One collection reads dozens of instruments; they share one snapshot of the figures.</summary>
    public static readonly TimeSpan FiguresMaxAge = TimeSpan.FromSeconds(1);

    /// <summary>A stuck loop must not hang the scrape: past this the last figures are reported again.</summary>
    public static readonly TimeSpan FiguresTimeout = TimeSpan.FromSeconds(2);

    private readonly CacheNode _node;
    private readonly Lock _lock = new();
    private IReadOnlyList<GroupFigures> _figures = [];
    private long _takenAt;
    private bool _taken;

    public NodeGauges(NodeMetrics metrics, CacheNode node, DateTimeOffset? certificateExpiry)
    {
        _node = node;
        var meter = metrics.Meter;
        Shard(meter, "raftcache_raft_term", "Current Raft term.", f => (long)f.Term);
        Shard(meter, "raftcache_raft_commit_index", "Highest log index known committed.", f => (long)f.CommitIndex);
        Shard(meter, "raftcache_raft_applied_index", "Highest log index applied to the state machine.", f => (long)f.AppliedIndex);
        Shard(meter, "raftcache_raft_apply_lag", "Committed entries not yet applied on this replica (commit index - applied index).", f => (long)(f.CommitIndex - Math.Min(f.CommitIndex, f.AppliedIndex)));
        Shard(meter, "raftcache_raft_last_index", "Last index in this replica's log.", f => (long)f.LastIndex);
        Shard(meter, "raftcache_raft_snapshot_index", "Index of this replica's latest snapshot.", f => (long)f.SnapshotIndex);
        Shard(meter, "raftcache_raft_has_leader", "1 when this replica knows a leader of its shard.", f => f.HasLeader ? 1 : 0);
        Shard(meter, "raftcache_raft_is_leader", "1 when this node leads the shard.", f => f.IsLeader ? 1 : 0);
        Shard(meter, "raftcache_cache_keys", "Keys stored by this replica (expired but not yet swept included).", f => f.Keys);
        Shard(meter, "raftcache_cache_bytes", "Bytes accounted against the shard's memory limit.", f => f.Bytes, "By");
        Shard(meter, "raftcache_cache_memory_limit_bytes", "The shard's memory limit (eviction beyond it).", f => f.MemoryLimitBytes, "By");
        ShardCounter(meter, "raftcache_raft_leader_changes", "Leader changes seen by this replica.", f => f.LeaderChanges);
        ShardCounter(meter, "raftcache_cache_evictions", "Keys evicted for memory by this replica since the node started.", f => f.Evicted);
        ShardCounter(meter, "raftcache_cache_expirations", "Expired keys removed by sweeps on this replica since the node started.", f => f.Expired);
        ShardCounter(meter, "raftcache_snapshots_installed", "Snapshots installed from a leader since the node started.", f => f.SnapshotsInstalled);
        meter.CreateObservableGauge("raftcache_host_backlog", () => (long)_node.HostBacklog, null, "Work items waiting in the host loop's inbox.");
        meter.CreateObservableGauge("raftcache_quiesced_groups", () => (long)_node.QuiescedGroups, null, "Replicas on this node that are quiesced: idle, no ticks and no heartbeats.");
        meter.CreateObservableGauge("raftcache_wal_segments", () => (long)_node.WalSegments, null, "WAL segment files on disk.");
        meter.CreateObservableGauge("raftcache_moves_in_progress", () => (long)_node.Cluster.Targets.Count, null, "Shards whose replicas are moving (cluster-wide, as this node's metadata replica shows).");
        meter.CreateObservableGauge("raftcache_member_state", MemberStates, null, "1 for each member's state as this node sees it (joining, active, leaving, down).");
        meter.CreateObservableCounter("raftcache_request_reroutes", Reroutes, null, "Client requests a member answered \"route again\" (not the shard's leader, or no leader known), by whether the request backed off before it went on.");
        meter.CreateObservableCounter("raftcache_load_leader_transfers", () => _node.LoadTransfers, null, "Shard leaderships this node handed to the member bringing most of the shard's requests (leaders follow the load).");
        PeerCounter(meter, "raftcache_peer_sent_frames", null, "Frames sent to a peer.", c => Volatile.Read(ref c.FramesSent));
        PeerCounter(meter, "raftcache_peer_sent_bytes", "By", "Bytes sent to a peer.", c => Volatile.Read(ref c.BytesSent));
        PeerCounter(meter, "raftcache_peer_received_frames", null, "Frames received from a peer.", c => Volatile.Read(ref c.FramesReceived));
        PeerCounter(meter, "raftcache_peer_received_bytes", "By", "Bytes received from a peer.", c => Volatile.Read(ref c.BytesReceived));
        PeerCounter(meter, "raftcache_peer_connect_failures", null, "Failed connection attempts to a peer.", c => Volatile.Read(ref c.ConnectFailures));
        if (certificateExpiry is { } expiry)
            meter.CreateObservableGauge("raftcache_tls_certificate_expiry_timestamp_seconds", () => expiry.ToUnixTimeSeconds(), "s", "When the REST certificate expires (Unix time).");
    }

    private void Shard(Meter meter, string name, string description, Func<GroupFigures, long> value, string? unit = null) =>
        meter.CreateObservableGauge(name, () => Figures().Select(f => new Measurement<long>(value(f), HostInstruments.Shard(f.GroupId))), unit, description);

    private void ShardCounter(Meter meter, string name, string description, Func<GroupFigures, long> value) =>
        meter.CreateObservableCounter(name, () => Figures().Select(f => new Measurement<long>(value(f), HostInstruments.Shard(f.GroupId))), null, description);

    private void PeerCounter(Meter meter, string name, string? unit, string description, Func<Transport.PeerTraffic.Counters, long> value) =>
        meter.CreateObservableCounter(name, () => (_node.PeerTraffic?.Peers ?? []).Select(p => new Measurement<long>(value(p.Value), new KeyValuePair<string, object?>("peer", HostInstruments.Label(p.Key)))), unit, description);

    private Measurement<long>[] Reroutes() =>
    [
        new(_node.ReroutesWaited, new KeyValuePair<string, object?>("waited", "true")),
        new(_node.ReroutesAtOnce, new KeyValuePair<string, object?>("waited", "false")),
    ];

    private IEnumerable<Measurement<long>> MemberStates()
    {
        if (!_node.IsMember) return [];
        return _node.Cluster.Members.Values.Select(m => new Measurement<long>(1,
            new KeyValuePair<string, object?>("member", HostInstruments.Label(m.Id)),
            new KeyValuePair<string, object?>("state", MembersEndpoints.StateOf(_node, m))));
    }

    private IReadOnlyList<GroupFigures> Figures()
    {
        lock (_lock)
        {
            if (_taken && System.Diagnostics.Stopwatch.GetElapsedTime(_takenAt) < FiguresMaxAge) return _figures;
            var task = _node.GroupFiguresAsync();
            if (task.Wait(FiguresTimeout)) _figures = task.Result;
            _takenAt = System.Diagnostics.Stopwatch.GetTimestamp();
            _taken = true;
            return _figures;
        }
    }
}
