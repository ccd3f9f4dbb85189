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

    /// <summary>
    /// Completes the batch off the loop (a peer's receiving thread): the waiters that continue inline (RESP's own reply
    /// code) right here; the others through one call of <paramref name="executor"/> for all of them, so their
    /// continuations queue on that one thread-pool worker instead of each waking one (as the loop's completions do).
    /// </summary>
    public void CompleteOffLoop(bool confirmed, Action<Action> executor)
    {
        List<TaskCompletionSource<bool>>? queued = null;
        foreach (var waiter in _waiters)
        {
            if ((waiter.Task.CreationOptions & TaskCreationOptions.RunContinuationsAsynchronously) != 0) (queued ??= []).Add(waiter);
            else waiter.TrySetResult(confirmed);
        }
        _waiters.Clear();
        if (queued is not null) executor(() => { foreach (var waiter in queued) waiter.TrySetResult(confirmed); });
    }
}
