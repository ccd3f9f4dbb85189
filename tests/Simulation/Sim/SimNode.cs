// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RaftCache.Node.Hosting;
using RaftCache.Raft;
using RaftCache.StateMachine;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// One simulated server: the production <see cref="RaftHost"/> with production cache state machines, over a
/// simulated disk (<see cref="SimWal"/>), network (<see cref="SimTransport"/>), the simulator's clock, a
/// snapshot executor whose background writes run at the node's next step, and a sync executor that runs the host's
/// off-loop fsync right after the iteration that started it or, when the schedule delays it, some ticks later while
/// the host keeps iterating. The simulator decides when the host runs
/// an iteration; nothing here re-implements a host rule.
/// </summary>
public sealed partial class SimNode
{
    /// <summary>Host iterations one node may run in one tick (the inbox only grows between ticks, so one usually suffices).</summary>
    private const int MaxIterationsPerTick = 6;

    /// <summary>Every replica uses one hash seed, so their table layouts (and snapshot bytes) are a function of their history.</summary>
    public static readonly StateMachineOptions StateMachineOptions = new() { HashSeed = 0x5EED };

    private readonly Simulator _sim;
    private readonly List<Action> _snapshotWork = [];
    private (Action Work, long Due)? _sync;
    private readonly SortedDictionary<ulong, Replica> _replicas = [];

    public SimNode(Simulator sim, ulong id)
    {
        _sim = sim;
        Id = id;
        Wal = new SimWal(this, rejectCommittedTruncation: (sim.Options.PlantedBugs & PlantedBugs.TruncateCommitted) == 0);
        Transport = new SimTransport(sim, this);
        var offset = TimeSpan.Zero;
        if (sim.Options.ClockDrift > 0)
        {
            var spread = 2 * sim.Random.NextDouble() - 1;
            if (sim.Options.ClockDriftExtremes) spread = spread < 0 ? -1 : 1;
            ClockRate = 1 + sim.Options.ClockDrift * spread;
            offset = TimeSpan.FromMilliseconds(sim.Random.Next(20_000) - 10_000);
        }
        Clock = new FakeTimeProvider(sim.Time.GetUtcNow() + offset);
    }

    /// <summary>This node's clock (its host's time): it runs at <see cref="ClockRate"/> of simulated time, from its own offset.</summary>
    public FakeTimeProvider Clock { get; }

    public double ClockRate { get; } = 1;

    private double _clockCredit;

    public ulong Id { get; }
    public SimWal Wal { get; }
    public SimTransport Transport { get; }
    /// <summary>The production host: the node's own in a host-only run, the <see cref="CacheNode"/>'s in a membership run (null while it waits to be added).</summary>
    internal RaftHost? Host => Cache is { } cache ? (cache.IsMember ? cache.Host : null) : _host;

    private RaftHost? _host;
    public bool Up { get; private set; } = true;
    public long PausedUntil { get; set; }
    public int Incarnation { get; private set; }
    public long RestartAt { get; set; }

    /// <summary>Every (index, term) per group that was durable on this node at some sync since its last restart.</summary>
    public Dictionary<ulong, HashSet<(ulong Index, ulong Term)>> EverDurable { get; } = [];

    /// <summary>The oracle's view of every replica the host has, by group.</summary>
    public IReadOnlyDictionary<ulong, Replica> Replicas => _replicas;

    public bool Runnable(long now) => Up && now >= PausedUntil;

    /// <summary>True while the host's fsync runs (the schedule delayed it).</summary>
    public bool SyncPending => _sync is not null;

    /// <summary>Why a node may be silent, for a failure's message.</summary>
    public string Describe(long now) =>
        $"up={Up} paused={(now < PausedUntil ? $"until t={PausedUntil}" : "no")} sync-pending={SyncPending} " +
        $"member={Cache?.IsMember.ToString() ?? "-"} removed={Cache?.RemovedReason ?? "-"} host={(Host is null ? "none" : $"has-work={Host.HasWork}")}";

    /// <summary>Creates the host with the founding groups this node is a voter of.</summary>
    public void Bootstrap(IEnumerable<(ulong Group, IReadOnlyList<ulong> Voters)> groups)
    {
        _host = NewHost(HostOptionsFor(Id));
        foreach (var (group, voters) in groups) _host.BootstrapGroup(group, voters, NewStateMachine());
        Start();
    }

    /// <summary>One tick of this node: queued snapshot writes run, then the host iterates; a sync that is due runs after each iteration.</summary>
    public void RunTick(long now)
    {
        // The clock runs whatever the node does; a drifting one ticks its host zero or two times in some steps.
        _clockCredit += ClockRate;
        var ticks = (int)_clockCredit;
        _clockCredit -= ticks;
        if (!Up || now < PausedUntil)
        {
            for (var t = 0; t < ticks; t++) Clock.Advance(Simulator.TickLength);
            return;
        }
        if (Cache?.RemovedReason is { } removed)
        {
            Exit(removed);
            return;
        }
        var work = _snapshotWork.ToArray();
        _snapshotWork.Clear();
        foreach (var write in work) write();
        if (Host is null)
        {
            for (var t = 0; t < ticks; t++) Clock.Advance(Simulator.TickLength);
            PollClients();
            return;
        }
        for (var t = 0; t < Math.Max(1, ticks); t++)
        {
            if (t < ticks) Clock.Advance(Simulator.TickLength);
            Iterate(now);
        }
    }

    private void Iterate(long now)
    {
        // A removed node's host is gone after the iteration that applied its removal.
        for (var i = 0; i < MaxIterationsPerTick && Host is { } host && (i == 0 || host.HasWork); i++)
        {
            host.RunOnce();
            if (Host is not null) SyncReplicas();
            PollClients();
            if (_sync is { } sync && sync.Due <= now)
            {
                _sync = null;
                sync.Work();
            }
        }
    }

    /// <summary>
    /// The host's sync executor: the fsync returns after this iteration, or, when the schedule delays it, some ticks
    /// later; the host keeps stepping, sending and answering meanwhile, and a crash before then loses the batch.
    /// </summary>
    private void ScheduleSync(Action work)
    {
        if (_sync is not null) throw new SimInvariantException("one sync in flight", $"n{Id} started a sync while another was running");
        var due = _sim.Now;
        if (_sim.Options.FsyncDelayRate > 0 && _sim.Random.NextDouble() < _sim.Options.FsyncDelayRate)
        {
            due = _sim.Now + 1 + _sim.Random.Next(_sim.Options.FsyncMaxDelayTicks);
            Disturb(due);
            _sim.Trace.Add(_sim.Now, 20, Id, 0, (ulong)due, 0, () => $"n{Id} fsync delayed until t={due}");
        }
        _sync = (work, due);
    }

    /// <summary>The disk synced: what it wrote is durable now.</summary>
    public void OnSynced(IReadOnlyList<(ulong Group, IReadOnlyList<Entry> Entries)> written)
    {
        foreach (var (group, entries) in written)
        {
            if (!EverDurable.TryGetValue(group, out var set)) EverDurable[group] = set = [];
            foreach (var e in entries) set.Add((e.Index, e.Term));
        }
        _sim.Oracle.OnSynced(this);
    }

    /// <summary>The oracle's view of a production replica (a new one when the host replaced the replica of a group).</summary>
    internal Replica View(GroupReplica inner)
    {
        if (_replicas.TryGetValue(inner.GroupId, out var view) && ReferenceEquals(view.Inner, inner)) return view;
        view = new Replica(inner);
        _replicas[inner.GroupId] = view;
        return view;
    }

    /// <summary>Runs on the loop with the node's replica of <paramref name="group"/>, if the node is up and has one.</summary>
    internal void Invoke(ulong group, Action<GroupReplica> action)
    {
        if (Host is not { } host) return;
        _ = host.InvokeAsync(() =>
        {
            if (host.TryGetReplica(group) is { } replica) action(replica);
            return 0;
        });
    }

    private void SyncReplicas()
    {
        foreach (var replica in Host!.Replicas)
        {
            if (!_replicas.ContainsKey(replica.GroupId) && Cache is not null) _sim.Trace.Note(_sim.Now, $"n{Id} g{replica.GroupId} replica created (conf {replica.ConfState})");
            View(replica);
        }
        foreach (var group in _replicas.Keys.Where(g => Host.TryGetReplica(g) is null).ToList())
        {
            _replicas.Remove(group);
            _sim.Trace.Note(_sim.Now, $"n{Id} g{group} replica deleted");
        }
    }

    private static CacheGroupStateMachine NewStateMachine() => new(StateMachineOptions);

    private HostOptions HostOptionsFor(ulong id)
    {
        var o = _sim.Options;
        return new HostOptions
        {
            NodeId = id,
            Tick = Simulator.TickLength,
            ElectionTicks = o.ElectionTicks,
            HeartbeatTicks = o.HeartbeatTicks,
            SnapshotEntries = o.SnapshotEntries,
            QuiesceTicks = o.QuiesceTicks,
            LivenessTicks = o.LivenessTicks,
        };
    }

    /// <summary>The production host over this node's simulated disk and network, with the simulation's seeds and bug switches.</summary>
    private RaftHost NewHost(HostOptions node)
    {
        var o = _sim.Options;
        var options = node with
        {
            SnapshotCatchUpEntries = o.SnapshotCatchUpEntries,
            MaxMessageBytes = o.MaxMessageBytes,
            MaxInflightMessages = o.MaxInflightMessages,
            PlantedBugs = o.PlantedBugs,
            LeaseClockDrift = o.LeaseClockDrift,
            RandomSeed = Fnv.Mix(Fnv.Mix(o.Seed, Id), (ulong)Incarnation),
        };
        return new RaftHost(options, Wal, Transport, Clock, NullLogger.Instance)
        {
            SnapshotExecutor = _snapshotWork.Add,
            // Deterministic: the reads a leader's answer confirms complete as the message is delivered.
            ReadAnswerExecutor = work => work(),
            SyncExecutor = ScheduleSync,
            Observer = new NodeObserver(_sim, this),
            // Any message for a group creates an empty replica its leader then fills (membership changes add nodes);
            // a whole node replaces this with its own rule.
            CreateOnDemand = (_, _) => NewStateMachine(),
        };
    }

    private void Start()
    {
        if (Cache is { } cache) cache.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        else _host!.StartSteppedAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (Host is not null) SyncReplicas();
    }
}
