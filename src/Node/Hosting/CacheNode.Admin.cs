// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;
using RaftCache.StateMachine;

namespace RaftCache.Node.Hosting;

/// <summary>A replica's state as GET /admin/cluster shows it.</summary>
public sealed record ReplicaStatus(ulong GroupId, RaftStatus Raft, ulong SnapshotIndex, long Keys, long Bytes, string StateHash, long LeaderChanges)
{
    /// <summary>First index still in the replica's log: entries before it are compacted, a follower needing them gets a snapshot.</summary>
    public ulong FirstIndex { get; init; }

    /// <summary>Snapshots installed from a leader since the node started.</summary>
    public long SnapshotsInstalled { get; init; }
}

public sealed partial class CacheNode
{
    /// <summary>
    /// Status of every replica on this node, taken on the host loop so each is consistent. The state hash reads
    /// every key and value (about 0.4 s per GiB, with the host loop and so every write on this node waiting), so
    /// only callers that show it ask for it: /admin/cluster does, /metrics (scraped periodically) does not.
    /// </summary>
    public Task<IReadOnlyList<ReplicaStatus>> ReplicaStatusAsync(bool withStateHash = true) => _host is null ? Task.FromResult<IReadOnlyList<ReplicaStatus>>([]) : Host.InvokeAsync<IReadOnlyList<ReplicaStatus>>(() =>
        Host.Replicas.OrderBy(r => r.GroupId).Select(r =>
        {
            var (keys, bytes, hash) = r.StateMachine is CacheGroupStateMachine cache
                ? cache.Read(c => ((long)c.Count, c.AccountedBytes, withStateHash ? c.ComputeStateHash().ToString() : ""))
                : (0L, 0L, "");
            return new ReplicaStatus(r.GroupId, r.Node.Status(), r.SnapshotIndex, keys, bytes, hash, r.LeaderChanges)
            {
                FirstIndex = r.Log.FirstIndex,
                SnapshotsInstalled = r.SnapshotsInstalled,
            };
        }).ToArray());

    public IReadOnlyDictionary<ulong, DateTimeOffset> LastHeard => _host?.LastHeard ?? (IReadOnlyDictionary<ulong, DateTimeOffset>)new Dictionary<ulong, DateTimeOffset>();

    /// <summary>True when this node is a member and every group it holds a replica of knows its leader.</summary>
    public (bool Ready, IReadOnlyList<string> Reasons) Readiness()
    {
        var reasons = new List<string>();
        if (_host is null) return (false, [$"waiting to be added to a cluster: on any member, POST /admin/members {{\"address\": \"{_options.AdvertisedUrl}\"}}"]);
        if (RemovedReason is { } removed) return (false, [$"removed: {removed}"]);
        var record = _metadata.Current;
        if (!record.Members.ContainsKey(_options.Id)) reasons.Add("not (yet) a member in the cluster record");
        foreach (var replica in Host.Replicas)
        {
            if (replica.Leader == 0) reasons.Add(replica.GroupId == MetadataGroup ? "metadata group has no leader" : $"shard {replica.GroupId} has no leader");
        }
        return (reasons.Count == 0, reasons);
    }

    /// <summary>Asks this node, as leader of <paramref name="shard"/>, to hand leadership to <paramref name="to"/>; waits until it moved.</summary>
    public async Task<bool> TransferLeadershipAsync(ulong shard, ulong to, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Host.InvokeAsync(() =>
        {
            // Recorded as the shard's preferred leader first, so leader balancing does not move it straight back.
            Host.TryGetReplica(MetadataGroup)?.Node.Propose(new Metadata.PreferLeaderCommand((int)shard, to).Encode());
            Host.TryGetReplica(shard)?.Node.TransferLeadership(to);
            return true;
        });
        return await WaitUntilAsync(() => Host.TryGetReplica(shard) is { Leader: var leader } && leader == to, timeout, cancellationToken);
    }

    /// <summary>
    /// Before a graceful stop: every group this node leads hands leadership to its most up-to-date voter, so the
    /// cluster does not wait an election timeout for a new leader. Bounded; the node stops either way.
    /// </summary>
    public async Task TransferAllLeadershipsAsync(TimeSpan timeout)
    {
        // A removed node has already stopped its host (CheckOwnRemoval): it leads nothing any more.
        if (_host is null || RemovedReason is not null) return;
        var led = await Host.InvokeAsync(() =>
        {
            foreach (var replica in Host.Replicas.Where(r => r.Role == RaftRole.Leader))
            {
                var status = replica.Node.Status();
                var target = status.Progress
                    .Where(p => p.Key != _options.Id && !p.Value.IsLearner && status.ConfState.Voters.Contains(p.Key))
                    .OrderByDescending(p => p.Value.Match).ThenBy(p => p.Key)
                    .Select(p => p.Key).FirstOrDefault();
                if (target != 0) replica.Node.TransferLeadership(target);
            }
            return Host.Replicas.Where(r => r.Role == RaftRole.Leader).Select(r => r.GroupId).ToArray();
        });
        // Done when every group it led knows another leader: clients are redirected at once, not after a timeout.
        await WaitUntilAsync(() => led.All(g => Host.TryGetReplica(g) is { Leader: var l } && l != 0 && l != _options.Id), timeout, CancellationToken.None);
    }

    /// <summary>Keys of one shard's local replica, page by page, in a stable order.</summary>
    public KeyPage? ListKeys(int shard, ReadOnlySpan<byte> cursor, bool hasCursor, int limit)
    {
        if (_host?.TryGetReplica((ulong)shard)?.StateMachine is not CacheGroupStateMachine cache) return null;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var cursorCopy = cursor.ToArray();
        return cache.Read(c => c.ListKeys(cursorCopy, hasCursor, limit, now));
    }

    public Task<int> ForceSnapshotsAsync() => Host.ForceSnapshotsAsync();

    private async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!condition()) await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(10, _options.TickMs / 2)), deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return condition();
        }
    }
}
