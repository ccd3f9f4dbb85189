// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>A message in flight between two nodes, tagged with its group (the transport's business, not Raft's).</summary>
public sealed record Envelope(ulong From, ulong To, GroupMessage Message, long DeliverAt);

/// <summary>
/// The simulated network: per-message delay (which reorders), drop and duplication, plus a directional
/// block matrix for partitions. Deterministic: ties in delivery time break by send order.
/// </summary>
public sealed class Network
{
    private readonly PriorityQueue<Envelope, (long Tick, long Seq)> _inFlight = new();
    private readonly bool[,] _blocked;
    private readonly SplitMix64 _random;
    private long _seq;

    public Network(int nodes, SplitMix64 random)
    {
        _blocked = new bool[nodes + 1, nodes + 1];
        _random = random;
    }

    public int MinDelay { get; set; } = 1;
    public int MaxDelay { get; set; } = 1;
    public double DropRate { get; set; }
    public double DuplicateRate { get; set; }
    public long Sent { get; private set; }
    public long Dropped { get; private set; }
    public long Duplicated { get; private set; }

    public bool IsBlocked(ulong from, ulong to) => _blocked[from, to];

    public void Block(ulong from, ulong to) => _blocked[from, to] = true;

    public void HealAll() => Array.Clear(_blocked);

    /// <summary>Sends a message; returns false when it was dropped (partition or random loss).</summary>
    public bool Send(ulong from, ulong to, GroupMessage message, long now)
    {
        Sent++;
        if (_blocked[from, to] || (DropRate > 0 && _random.NextDouble() < DropRate))
        {
            Dropped++;
            return false;
        }

        var copies = DuplicateRate > 0 && _random.NextDouble() < DuplicateRate ? 2 : 1;
        if (copies == 2) Duplicated++;
        for (var i = 0; i < copies; i++)
        {
            var at = now + MinDelay + _random.Next(MaxDelay - MinDelay + 1);
            _inFlight.Enqueue(new Envelope(from, to, message, at), (at, _seq++));
        }

        return true;
    }

    /// <summary>Removes the next message due at or before <paramref name="now"/>; one a partition cut meanwhile is lost.</summary>
    public bool TryNext(long now, out Envelope envelope, out bool lost)
    {
        lost = false;
        if (!_inFlight.TryPeek(out envelope!, out var key) || key.Tick > now) return false;
        _inFlight.Dequeue();
        lost = _blocked[envelope.From, envelope.To];
        if (lost) Dropped++;
        return true;
    }
}
