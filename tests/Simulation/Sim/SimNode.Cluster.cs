// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging.Abstractions;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// A membership run: each server is the whole production node (<see cref="CacheNode"/>): its metadata group and
/// state machine, placement controller, shard reconciler, replica creation and deletion, admission rule and
/// identity, on the simulated disk, network and clock through the node's machine seam (<see cref="NodeMachine"/>).
/// Founders bootstrap the cluster; the other servers start empty, waiting to be added.
/// </summary>
public sealed partial class SimNode
{
    /// <summary>The production node of a membership run, null in a host-only run or while the server is down.</summary>
    internal CacheNode? Cache { get; private set; }

    /// <summary>The node's identity file: written by the node, it survives crashes like the disk does.</summary>
    private NodeIdentity? _identity;

    /// <summary>The node learnt it was removed and ended, as a process does; it never comes back.</summary>
    public bool Gone { get; private set; }

    /// <summary>Up, but an empty node not yet added to the cluster.</summary>
    public bool Waiting => Up && Cache is { IsMember: false };

    public string PeerAddress => AddressOf(Id);

    public string RestUrl => $"http://n{Id}";

    public static string AddressOf(ulong id) => $"n{id}:6001";

    /// <summary>The server of a peer address (addresses are never reused here, so this is the id they were given to).</summary>
    public static ulong IdOf(string address) =>
        address.StartsWith('n') && ulong.TryParse(address.AsSpan(1, address.IndexOf(':', StringComparison.Ordinal) - 1), out var id) ? id : 0;

    /// <summary>Starts the production node: founders bootstrap (or recover), the others wait to be added (or recover as members).</summary>
    public void BootstrapNode()
    {
        Cache = NewCacheNode();
        Start();
    }

    private CacheNode NewCacheNode()
    {
        var o = _sim.Options;
        var founders = Enumerable.Range(1, o.Founders).Select(f => $"{f}={AddressOf((ulong)f)}");
        var options = new NodeOptions
        {
            Id = Id,
            Listen = RestUrl,
            PeerListen = PeerAddress,
            DataDir = $"n{Id}",
            InitialCluster = Id <= (ulong)o.Founders ? string.Join(',', founders) : null,
            Join = Id <= (ulong)o.Founders ? null : "http://n1",
            Shards = o.Groups,
            ReplicationFactor = SimOptions.ReplicationFactor,
            TickMs = (int)Simulator.TickLength.TotalMilliseconds,
            ElectionTicks = o.ElectionTicks,
            HeartbeatTicks = o.HeartbeatTicks,
            SnapshotEntries = o.SnapshotEntries,
            DownAfterSeconds = o.DownAfterSeconds,
        };
        var machine = new NodeMachine
        {
            LoadIdentity = () => _identity,
            SaveIdentity = identity => _identity = identity,
            OpenWal = () => Wal,
            CreateTransport = (_, admission, removed) =>
            {
                Transport.Connect(admission, removed);
                return Transport;
            },
            CreateHost = (options, _, _) => NewHost(options),
            StartHost = (host, cancellationToken) => host.StartSteppedAsync(cancellationToken),
            // One hash seed everywhere (see StateMachineOptions); election jitter is seeded in NewHost.
            NextSeed = () => StateMachineOptions.HashSeed,
            PlantedBugs = o.PlantedBugs,
        };
        return new CacheNode(options, _sim.Time, NullLoggerFactory.Instance, machine);
    }

    /// <summary>The last tick this node was down, paused, blocked in a sync, cut off by a partition or just added.</summary>
    public long DisturbedUntil { get; private set; }

    public void Disturb(long until) => DisturbedUntil = Math.Max(DisturbedUntil, until);

    /// <summary>
    /// The host deleted its replica of <paramref name="group"/>: a replica created again later is a new life of the
    /// group on this node, whose durable term and vote start afresh (one vote per term per voter stays checked across lives).
    /// </summary>
    public void OnDropStaged(ulong group)
    {
        EverDurable.Remove(group);
        _sim.Oracle.OnReplicaDropped(this, group);
        _sim.OnReplicaDropped(this, group);
    }

    /// <summary>The node found it was removed from the cluster and ended, as a process does (exit code "removed").</summary>
    private void Exit(string reason)
    {
        Gone = true;
        Up = false;
        RestartAt = 0;
        Stop();
        _sync = null;
        _snapshotWork.Clear();
        _replicas.Clear();
        foreach (var op in _pending) _sim.Workload.Indeterminate(op.OpId);
        _pending.Clear();
        _sim.Trace.Note(_sim.Now, $"n{Id} EXIT: {reason}");
    }
}
