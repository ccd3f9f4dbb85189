// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using RaftCache.Storage;

namespace RaftCache.Node.Hosting;

/// <summary>One replica's figures for the metrics: Raft position and role, and the cache's size and removals.</summary>
public sealed record GroupFigures(
    ulong GroupId,
    ulong Term,
    ulong CommitIndex,
    ulong AppliedIndex,
    ulong LastIndex,
    ulong SnapshotIndex,
    bool HasLeader,
    bool IsLeader,
    long LeaderChanges,
    long Keys,
    long Bytes,
    long MemoryLimitBytes,
    long Evicted,
    long Expired,
    long SnapshotsInstalled);

/// <summary>The narrow seam the metrics and the dashboard read the node through.</summary>
public sealed partial class CacheNode
{
    /// <summary>Where the host loop and the WAL record their measurements; set once, before start.</summary>
    public HostInstruments Instruments { get; init; } = HostInstruments.None;

    /// <summary>Per-peer traffic, or null before this node is a member.</summary>
    public Transport.PeerTraffic? PeerTraffic => (_transport as Transport.TcpPeerTransport)?.Traffic;

    /// <summary>Work items waiting for the host loop (0 before this node is a member).</summary>
    public int HostBacklog => _host?.InboxBacklog ?? 0;

    /// <summary>Replicas of this node that are quiesced (no ticks, no heartbeats) at the last tick.</summary>
    public int QuiescedGroups => _host?.QuiescedGroups ?? 0;

    /// <summary>WAL segment files on disk.</summary>
    public int WalSegments => (_wal as WriteAheadLog)?.SegmentFiles.Count ?? 0;

    /// <summary>Figures of every replica on this node, taken on the host loop (no state hash: cheap enough to scrape).</summary>
    public Task<IReadOnlyList<GroupFigures>> GroupFiguresAsync() => _host is null ? Task.FromResult<IReadOnlyList<GroupFigures>>([]) : Host.InvokeAsync<IReadOnlyList<GroupFigures>>(() =>
        Host.Replicas.OrderBy(r => r.GroupId).Select(r =>
        {
            var status = r.Node.Status();
            var (keys, bytes, limit, evicted, expired) = r.StateMachine is CacheGroupStateMachine cache
                ? cache.Read(c => ((long)c.Count, c.AccountedBytes, c.MemoryLimitBytes, c.EvictedTotal, c.SweptTotal))
                : (0L, 0L, 0L, 0L, 0L);
            return new GroupFigures(r.GroupId, status.HardState.Term, status.HardState.Commit, status.Applied, status.LastIndex, r.SnapshotIndex,
                status.SoftState.Leader != 0, status.SoftState.Role == RaftRole.Leader, r.LeaderChanges, keys, bytes, limit, evicted, expired, r.SnapshotsInstalled);
        }).ToArray());

    /// <summary>The leader of every group this node holds a replica of (0: none known). Safe from any thread.</summary>
    public IReadOnlyDictionary<ulong, ulong> KnownLeaders() =>
        _host is null ? new Dictionary<ulong, ulong>() : _host.Replicas.ToDictionary(r => r.GroupId, r => r.Leader);
}
