// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;
using RaftCache.Storage;

namespace RaftCache.Node.Hosting;

/// <summary>
/// What a <see cref="CacheNode"/> takes from the machine it runs on. A process node uses its own
/// (<c>CacheNode.LocalMachine</c>): the locked data folder with the identity file and the WAL in it, TCP to its peers,
/// the host's loop task and random seeds. The seeded simulation gives its disk, network, a host it steps itself and
/// fixed seeds, and so runs the same membership, placement and replica code.
/// </summary>
internal sealed record NodeMachine
{
    /// <summary>The identity this node's data folder holds, or null for an empty one (called first, once per start).</summary>
    public required Func<NodeIdentity?> LoadIdentity { get; init; }

    /// <summary>Stores the identity durably before the node serves as a member.</summary>
    public required Action<NodeIdentity> SaveIdentity { get; init; }

    public required Func<IWriteAheadLog> OpenWal { get; init; }

    /// <summary>
    /// The peer transport of a member with this identity, given the node's admission rule for senders and what to do
    /// when a peer refuses this node as removed.
    /// </summary>
    public required Func<NodeIdentity, Func<ulong, PeerAdmission>, Action<ulong, string>, IPeerTransport> CreateTransport { get; init; }

    /// <summary>Builds the host over the node's WAL and transport (the options are the node's; a machine may adjust them).</summary>
    public required Func<HostOptions, IWriteAheadLog, IPeerTransport, RaftHost> CreateHost { get; init; }

    /// <summary>Starts the host's iterations: the loop task in a process, nothing under the simulation (it calls <see cref="RaftHost.RunOnce"/>).</summary>
    public required Func<RaftHost, CancellationToken, Task> StartHost { get; init; }

    /// <summary>Seeds for state machine hash tables and election jitter.</summary>
    public required Func<ulong> NextSeed { get; init; }

    /// <summary>Test-only bug switches of the node's own code (see <see cref="RaftCache.Raft.PlantedBugs"/>).</summary>
    public Raft.PlantedBugs PlantedBugs { get; init; }
}
