// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// One simulated server: a single host loop over its groups' RawNodes, one disk shared by all groups, an
/// inbox. The host loop follows the Ready contract to the letter (see <see cref="Drain"/>); a delayed fsync
/// blocks the whole loop, as a synchronous group-commit host would be.
/// </summary>
public sealed partial class SimNode
{
    private readonly Simulator _sim;
    private readonly Dictionary<(int Client, long Seq), long> _pendingWrites = [];
    private readonly SortedSet<ulong> _staleSnapshotGroups = [];
    private bool _unsynced;
    private readonly List<(ulong Group, IReadOnlyList<Entry> Entries)> _written = [];

    /// <summary>Every (index, term) per group that was durable on this node at some sync since its last restart.</summary>
    public Dictionary<ulong, HashSet<(ulong Index, ulong Term)>> EverDurable { get; } = [];
    private readonly SortedDictionary<ulong, (Ready Ready, long Until)> _outstanding = [];
    private readonly Dictionary<ulong, (long OpId, string Key, ulong Floor, ulong Group)> _pendingReads = [];

    public SimNode(Simulator sim, ulong id, INodeStorage disk)
    {
        _sim = sim;
        Id = id;
        Disk = disk;
    }

    public ulong Id { get; }
    public INodeStorage Disk { get; }
    public bool Up { get; private set; } = true;
    public long PausedUntil { get; set; }
    public int Incarnation { get; private set; }
    public long RestartAt { get; set; }
    public Queue<InboxItem> Inbox { get; } = new();
    public SortedDictionary<ulong, Replica> Replicas { get; } = [];

    /// <summary>A Ready whose fsync has not completed yet; nothing else runs on this node until it does.</summary>
    public (Replica Replica, Ready Ready, long Until)? Blocked { get; private set; }

    public bool Runnable(long now) => Up && now >= PausedUntil && Blocked is null;

    public void RunTick(long now)
    {
        if (!Up || now < PausedUntil) return;
        if (Blocked is { } blocked)
        {
            if (now < blocked.Until) return;
            Blocked = null;
            Complete(blocked.Replica, blocked.Ready);
            Drain(blocked.Replica);
        }

        CompleteDueWrites(now);

        // Bounded: the inbox only grows between ticks.
        for (var n = Inbox.Count; n > 0 && Blocked is null; n--) Handle(Inbox.Dequeue());
        if (Blocked is not null) return;
        foreach (var replica in Replicas.Values.ToList())
        {
            replica.Raw.Tick();
            Drain(replica);
            if (Blocked is not null) return;
        }

        foreach (var group in _staleSnapshotGroups) ForceSnapshot(group);
        _staleSnapshotGroups.Clear();
    }

    public void Bootstrap(ulong group, IReadOnlyList<ulong> voters)
    {
        var replica = Create(group, new MemoryRaftLog(), 0);
        replica.Raw.Bootstrap(voters);
        Drain(replica);
    }

    private void Handle(InboxItem item)
    {
        switch (item)
        {
            case MessageItem m:
                var target = Replicas.TryGetValue(m.Group, out var existing) ? existing : Create(m.Group, new MemoryRaftLog(), 0);
                target.Raw.Step(m.Message);
                Drain(target);
                break;
            case ProposeItem p:
                HandlePropose(p);
                break;
            case ReadItem r:
                HandleRead(r);
                break;
        }
    }

    private void HandlePropose(ProposeItem p)
    {
        if (!Replicas.TryGetValue(p.Group, out var replica))
        {
            _sim.Workload.Fail(p.OpId, 0);
            return;
        }

        var result = replica.Raw.Propose(p.Command.Encode());
        _sim.Trace.Add(_sim.Now, 10, Id, p.Group, (ulong)result.Outcome, result.Index, () => $"n{Id} g{p.Group} propose c{p.Command.ClientId}#{p.Command.Seq} {p.Command.Kind} {p.Command.Key}={p.Command.Value} -> {result.Outcome} {result.Index}");
        if (result.IsAccepted) _pendingWrites[(p.Command.ClientId, p.Command.Seq)] = p.OpId;
        else _sim.Workload.Fail(p.OpId, result.LeaderHint);
        Drain(replica);
    }

    private void HandleRead(ReadItem r)
    {
        if (!Replicas.TryGetValue(r.Group, out var replica))
        {
            _sim.Workload.Fail(r.OpId, 0);
            return;
        }

        var floor = _sim.Oracle.Group(r.Group).CommitIndex;
        var result = replica.Raw.ReadIndex(r.RequestId);
        _sim.Trace.Add(_sim.Now, 11, Id, r.Group, (ulong)result.Outcome, r.RequestId, () => $"n{Id} g{r.Group} read-index #{r.RequestId} {r.Key} floor={floor} -> {result.Outcome}");
        if (result.IsAccepted) _pendingReads[r.RequestId] = (r.OpId, r.Key, floor, r.Group);
        else _sim.Workload.Fail(r.OpId, result.LeaderHint);
        Drain(replica);
    }

    private Replica Create(ulong group, MemoryRaftLog log, ulong applied)
    {
        var config = new RaftConfig
        {
            Id = Id,
            Log = log,
            Random = new SplitMix64(Fnv.Mix(Fnv.Mix(Fnv.Mix(_sim.Options.Seed, Id), group), (ulong)Incarnation)),
            ElectionTicks = _sim.Options.ElectionTicks,
            HeartbeatTicks = _sim.Options.HeartbeatTicks,
            Applied = applied,
            PlantedBugs = _sim.Options.PlantedBugs,
            MaxMessageBytes = _sim.Options.MaxMessageBytes,
            MaxInflightMessages = _sim.Options.MaxInflightMessages,
        };
        var replica = new Replica { Group = group, Raw = new RawNode(config), Log = log };
        Replicas[group] = replica;
        _sim.Trace.Add(_sim.Now, 12, Id, group, applied, (ulong)Incarnation, () => $"n{Id} g{group} replica created (applied {applied}, incarnation {Incarnation})");
        return replica;
    }
}
