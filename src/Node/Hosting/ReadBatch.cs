// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Hosting;

/// <summary>
/// Linearizable reads of one group that arrived in the same loop iteration: one ReadIndex request (one heartbeat
/// round at the leader) confirms them all. Touched only by the host loop.
/// </summary>
internal sealed class ReadBatch
{
    private readonly List<TaskCompletionSource<bool>> _waiters = [];

    /// <summary>The host's tick count when the batch's ReadIndex was issued (an unanswered batch expires).</summary>
    public long IssuedAtTick { get; set; }

    public int Count => _waiters.Count;

    public void Add(TaskCompletionSource<bool> waiter) => _waiters.Add(waiter);

    /// <summary>True: confirmed and applied here, serve the reads; false: not confirmed, route them again.</summary>
    public void Complete(bool confirmed)
    {
        foreach (var waiter in _waiters) waiter.TrySetResult(confirmed);
        _waiters.Clear();
    }
}
