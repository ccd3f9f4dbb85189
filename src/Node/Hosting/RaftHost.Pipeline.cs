// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// The pipelined half of the Ready contract (etcd raft's asynchronous storage writes, done by the host): the WAL
/// fsync of one batch runs off the loop while the loop keeps stepping, sending and receiving. At most one sync is in
/// flight; Readies staged meanwhile wait for the next one. A group is in at most one batch: the core hands out its
/// next Ready only after <see cref="RawNode.Advance"/>, which runs once the batch is durable. So the loop keeps
/// stepping every group and serving the groups outside the batch, but a group inside it sends nothing new until
/// its fsync returns (taking a second Ready per group, as etcd's asynchronous writes do, is not built).
/// </summary>
public sealed partial class RaftHost
{
    /// <summary>Readies whose records are staged but not yet covered by a started sync.</summary>
    private List<(GroupReplica Replica, Ready Ready)> _awaitingSync = [];

    private bool _syncInFlight;

    /// <summary>
    /// Runs one WAL sync (<see cref="Storage.IWriteAheadLog.Sync"/>) off the loop; its completion is posted back to
    /// the loop. A dedicated thread by default; the simulation runs it when its schedule says the fsync returns.
    /// </summary>
    public Action<Action>? SyncExecutor { get; init; }

    /// <summary>Starts a sync when records are staged and none is running.</summary>
    private void StartSyncIfDue()
    {
        if (_syncInFlight || (!_stagedSinceSync && _awaitingSync.Count == 0)) return;
        var batch = _awaitingSync;
        _awaitingSync = [];
        _stagedSinceSync = false;
        _syncInFlight = true;
        var executor = SyncExecutor ?? RunOnSyncThread;
        executor(() =>
        {
            try
            {
                _wal.Sync();
            }
            catch (Exception e)
            {
                // Fail-stop (pitfall 16): the loop throws, which stops the node.
                TryPost(() => throw new InvalidOperationException("the WAL sync failed", e));
                return;
            }
            TryPost(() => OnSynced(batch));
        });
    }

    /// <summary>On the loop: the batch is durable, so its acknowledgements leave and its groups advance.</summary>
    private void OnSynced(List<(GroupReplica Replica, Ready Ready)> batch)
    {
        _syncInFlight = false;
        // A replica destroyed (or replaced) meanwhile is gone with its core; its Ready is dropped.
        batch.RemoveAll(item => !_groups.TryGetValue(item.Replica.GroupId, out var current) || !ReferenceEquals(current, item.Replica));
        foreach (var (replica, ready) in batch) Persisted(replica, ready);
        FlushOutbox();
        foreach (var (replica, ready) in batch)
        {
            // Only staged Readies count as in flight; one that persisted nothing never did (ProcessReadies).
            replica.PersistsInFlight--;
            Finish(replica, ready);
        }
        FlushOutbox();
    }

    private void TryPost(Action work) => _inbox.Writer.TryWrite(work);
}
