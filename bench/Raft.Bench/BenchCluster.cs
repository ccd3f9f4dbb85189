// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Raft.Bench;

/// <summary>
/// Three RawNodes in one process with in-memory logs and an in-memory network: every Ready is
/// persisted into a MemoryRaftLog (no fsync), its messages are queued for the peers, committed entries
/// are applied. This measures the core and the Ready loop, not disks or sockets.
/// </summary>
internal sealed class BenchCluster
{
    private readonly RawNode[] _nodes;
    private readonly MemoryRaftLog[] _logs;
    private readonly Queue<Message>[] _inboxes;
    private readonly Dictionary<ulong, long> _proposedAt = [];

    public BenchCluster(int size, int maxInflight)
    {
        _nodes = new RawNode[size];
        _logs = new MemoryRaftLog[size];
        _inboxes = new Queue<Message>[size];
        var voters = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        for (var i = 0; i < size; i++)
        {
            _logs[i] = new MemoryRaftLog();
            _inboxes[i] = new Queue<Message>();
            _nodes[i] = new RawNode(new RaftConfig
            {
                Id = (ulong)(i + 1),
                Log = _logs[i],
                Random = new SplitMix64((ulong)i + 1),
                MaxInflightMessages = maxInflight,
                MaxUncommittedBytes = 1L << 30,
            });
            _nodes[i].Bootstrap(voters);
        }

        Pump();
        _nodes[0].Campaign();
        Pump();
        if (_nodes[0].Status().SoftState.Role != RaftRole.Leader) throw new InvalidOperationException("node 1 did not become leader");
    }

    public RawNode Leader => _nodes[0];

    /// <summary>Latencies (Stopwatch ticks) of committed proposals, in commit order.</summary>
    public List<long> Latencies { get; } = [];

    public long Committed { get; private set; }

    public void Propose(ReadOnlyMemory<byte> data)
    {
        var start = Stopwatch.GetTimestamp();
        var result = Leader.Propose(data);
        if (result.Outcome != ProposeOutcome.Accepted) throw new InvalidOperationException($"proposal dropped: {result.Outcome}");
        _proposedAt[result.Index] = start;
    }

    /// <summary>Runs Ready/deliver rounds until the group is idle (bounded).</summary>
    public void Pump()
    {
        for (var round = 0; round < 1_000_000; round++)
        {
            var moved = false;
            for (var i = 0; i < _nodes.Length; i++) moved |= HandleReady(i);
            for (var i = 0; i < _nodes.Length; i++)
            {
                while (_inboxes[i].TryDequeue(out var m))
                {
                    _nodes[i].Step(m);
                    moved = true;
                }
            }

            if (!moved) return;
        }

        throw new InvalidOperationException("the cluster did not go idle");
    }

    private bool HandleReady(int i)
    {
        var node = _nodes[i];
        if (!node.HasReady()) return false;
        var rd = node.TakeReady();
        foreach (var m in rd.Messages) _inboxes[m.To - 1].Enqueue(m);
        if (rd.Snapshot is { } snapshot) _logs[i].ApplySnapshot(snapshot);
        _logs[i].Append(rd.Entries);
        if (rd.HardState is { } hs) _logs[i].SetHardState(hs);
        foreach (var m in rd.MessagesAfterPersist) _inboxes[m.To - 1].Enqueue(m);
        foreach (var e in rd.CommittedEntries)
        {
            if (e.Type == EntryType.ConfChange) node.ApplyConfChange(ConfChangeCodec.Decode(e.Data.Span));
            if (i == 0 && _proposedAt.Remove(e.Index, out var at))
            {
                Latencies.Add(Stopwatch.GetTimestamp() - at);
                Committed++;
            }
        }

        node.Advance(rd);

        // Keep memory flat: the in-memory logs only need a short tail.
        if (_logs[i].LastIndex > 20_000 && rd.CommittedEntries.Count > 0)
        {
            var applied = node.Status().Applied;
            _logs[i].CreateSnapshot(applied, node.Status().ConfState, ReadOnlyMemory<byte>.Empty);
            _logs[i].Compact(applied);
        }

        return true;
    }
}
