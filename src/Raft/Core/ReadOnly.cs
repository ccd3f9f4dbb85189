// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// Pending ReadIndex requests on the leader (etcd read_only.go). Each gets a leader-unique context that
/// rides on heartbeats; once a quorum acknowledges a heartbeat with that context, the request and all
/// earlier ones are confirmed (the leader was still leader when it sent that heartbeat, Raft §6.4).
/// </summary>
internal sealed class ReadOnly
{
    private readonly Dictionary<ulong, Pending> _pending = [];
    private readonly List<ulong> _queue = [];

    /// <summary>A read waiting for its heartbeat quorum: who asked, their request id, and the commit index at arrival.</summary>
    internal sealed class Pending
    {
        public required ulong From { get; init; }

        public required ulong RequestId { get; init; }

        public required ulong Index { get; init; }

        public Dictionary<ulong, bool> Acks { get; } = [];
    }

    public int Count => _queue.Count;

    public void Add(ulong context, Pending pending)
    {
        if (_pending.TryAdd(context, pending)) _queue.Add(context);
    }

    /// <summary>Records <paramref name="from"/>'s acknowledgement; null when the context is unknown (already answered, or stale).</summary>
    public Dictionary<ulong, bool>? RecvAck(ulong from, ulong context)
    {
        if (!_pending.TryGetValue(context, out var p)) return null;
        p.Acks[from] = true;
        return p.Acks;
    }

    /// <summary>Removes and returns every request up to and including <paramref name="context"/>, in arrival order.</summary>
    public List<Pending> Advance(ulong context)
    {
        var index = _queue.IndexOf(context);
        if (index < 0) return [];
        var result = new List<Pending>(index + 1);
        for (var i = 0; i <= index; i++)
        {
            result.Add(_pending[_queue[i]]);
            _pending.Remove(_queue[i]);
        }

        _queue.RemoveRange(0, index + 1);
        return result;
    }

    public ulong LastPendingContext => _queue.Count == 0 ? 0 : _queue[^1];

    public void Clear()
    {
        _pending.Clear();
        _queue.Clear();
    }
}
