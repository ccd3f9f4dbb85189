// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// Append messages sent to one follower and not yet acknowledged, as (last index, bytes) in send order.
/// Full when either the count or the byte budget is reached; the leader then stops pipelining.
/// </summary>
internal sealed class Inflights
{
    private readonly Queue<(ulong Index, long Bytes)> _queue = new();

    public Inflights(int capacity, long maxBytes)
    {
        Capacity = capacity;
        MaxBytes = maxBytes;
    }

    public int Capacity { get; }

    public long MaxBytes { get; }

    public int Count => _queue.Count;

    public long Bytes { get; private set; }

    public bool Full => _queue.Count >= Capacity || (MaxBytes > 0 && Bytes >= MaxBytes);

    public void Add(ulong index, long bytes)
    {
        if (Full) throw new RaftInvariantException($"cannot add into a full inflights window ({_queue.Count} messages, {Bytes} bytes)");
        if (_queue.Count > 0 && index <= LastIndex)
            throw new RaftInvariantException($"inflight index {index} is not above the last one {LastIndex}");
        _queue.Enqueue((index, bytes));
        Bytes += bytes;
        LastIndex = index;
    }

    public ulong LastIndex { get; private set; }

    /// <summary>Frees every message whose last index is ≤ <paramref name="to"/> (acknowledged).</summary>
    public void FreeLE(ulong to)
    {
        while (_queue.Count > 0 && _queue.Peek().Index <= to) Bytes -= _queue.Dequeue().Bytes;
    }

    public void Reset()
    {
        _queue.Clear();
        Bytes = 0;
        LastIndex = 0;
    }
}
