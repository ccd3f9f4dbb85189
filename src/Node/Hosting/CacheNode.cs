// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Configuration;
using RaftCache.Node.Metadata;
using RaftCache.Node.Sharding;
using RaftCache.Node.Transport;
using RaftCache.StateMachine;
using RaftCache.Storage;

namespace RaftCache.Node.Hosting;

/// <summary>
/// One RaftCache node: its data folder, write-ahead log, peer transport, the host loop with the metadata group
/// (group 0) and the shard groups (1…N) it holds a replica of, and the routing the REST API uses.
/// </summary>
public sealed partial class CacheNode : IAsyncDisposable
{
    public const ulong MetadataGroup = 0;

    private readonly NodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MetadataStateMachine _metadata = new();
    private readonly IReadOnlyList<InitialMember>? _founders;
    private IWriteAheadLog? _wal;
    private RaftHost? _host;
    private IPeerTransport? _transport;
    private readonly NodeMachine _machine;
    private long _housekeepingRound;
    private ulong _clusterId;

    public CacheNode(NodeOptions options, TimeProvider time, ILoggerFactory loggers)
        : this(options, time, loggers, null)
    {
    }

    /// <summary>A node on the given machine (its disk, network, loop and seeds); null for this process's own (<see cref="LocalMachine"/>).</summary>
    internal CacheNode(NodeOptions options, TimeProvider time, ILoggerFactory loggers, NodeMachine? machine)
    {
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger("RaftCache.Node");
        _loggers = loggers;
        _founders = FoundersOf(options);
        Shards = new ShardMap(options.Shards);
        _machine = machine ?? LocalMachine();
    }

    private readonly ILoggerFactory _loggers;

    public ulong NodeId => _options.Id;

    public ShardMap Shards { get; private set; }

    public ClusterRecord Cluster => _metadata.Current;

    internal RaftHost Host => _host ?? throw new InvalidOperationException("the node is not started");

    /// <summary>False while an empty node started with --join waits to be added.</summary>
    public bool IsMember => _host is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var identity = _machine.LoadIdentity();
        if (identity is not null && _options.Id != 0 && identity.NodeId != _options.Id)
            throw new InvalidOperationException($"data folder {_options.DataDir} belongs to node {identity.NodeId}, not {_options.Id}; node ids are never reused");
        _wal = _machine.OpenWal();
        var fresh = _wal.Recovered.Count == 0;
        if (identity is null)
        {
            if (!fresh) throw new InvalidOperationException($"data folder {_options.DataDir} has a log but no {NodeIdentity.FileName}; it was not written by this node");
            if (_founders is null)
            {
                if (_options.Join is null) throw new InvalidOperationException($"data folder {_options.DataDir} is empty: give --initial-cluster to found a cluster, or --join to join one");
                // An empty joiner serves REST (health, the admission call) and waits to be added by an operator.
                LogAwaitingAdmission(_logger, _options.AdvertisedUrl, _options.Join);
                return;
            }
            identity = new NodeIdentity(_options.Id, Placement.ClusterIdOf(_founders.Select(f => (f.Id, f.PeerAddress))), _founders);
        }
        await StartMemberAsync(identity, bootstrap: fresh && !identity.Joined, cancellationToken);
    }

    private async Task StartMemberAsync(NodeIdentity identity, bool bootstrap, CancellationToken cancellationToken)
    {
        _options.Id = identity.NodeId;
        _clusterId = identity.ClusterId;
        var transport = _machine.CreateTransport(identity, AdmissionRule(identity), OnRefusedAsRemoved);
        _transport = transport;
        var host = _machine.CreateHost(HostOptionsOf(_options), _wal!, transport);
        host.CreateOnDemand = CreateOnDemand;
        _host = host;
        WireForwarding(host);
        foreach (var founder in identity.Founders.Where(f => f.Id != _options.Id)) transport.SetPeer(founder.Id, founder.PeerAddress);
        // Subscribed before recovery: the restored metadata snapshot names members that joined after the founders,
        // and a settled cluster may write no further metadata entry that would tell this node their addresses.
        var subscribeLate = (_machine.PlantedBugs & Raft.PlantedBugs.MetadataSubscribedLate) != 0;
        if (!subscribeLate) _metadata.Changed += OnClusterChanged;
        if (bootstrap) Bootstrap(identity);
        else host.RecoverGroups(CreateStateMachine);
        if (subscribeLate) _metadata.Changed += OnClusterChanged;
        _machine.SaveIdentity(identity);
        host.Ticked += Housekeeping;
        host.Ticked += CheckOwnRemoval;
        await _machine.StartHost(host, cancellationToken);
        LogStarted(_logger, _options.Id, _options.AdvertisedUrl, _options.AdvertisedPeer, bootstrap ? "bootstrapped" : identity.Joined ? "joined" : "recovered");
    }

    private void Bootstrap(NodeIdentity identity)
    {
        var founders = identity.Founders.Select(f => f.Id).ToArray();
        Host.BootstrapGroup(MetadataGroup, founders, CreateStateMachine(MetadataGroup));
        foreach (var (shard, replicas) in Placement.Initial(founders, _options.Shards, _options.ReplicationFactor))
        {
            if (replicas.Contains(_options.Id)) Host.BootstrapGroup((ulong)shard, replicas, CreateStateMachine((ulong)shard));
        }
    }

    private IGroupStateMachine CreateStateMachine(ulong groupId) => groupId == MetadataGroup
        ? new MetadataGroupStateMachine(_metadata)
        : new CacheGroupStateMachine(new StateMachineOptions
        {
            MemoryLimitBytes = _options.MaxMemoryBytesPerShard,
            HashSeed = _machine.NextSeed(),
        });

    private HostOptions HostOptionsOf(NodeOptions options) => new()
    {
        NodeId = options.Id,
        Tick = TimeSpan.FromMilliseconds(options.TickMs),
        ElectionTicks = options.ElectionTicks,
        HeartbeatTicks = options.HeartbeatTicks,
        LeaseClockDrift = options.LeaseClockDriftPercent / 100.0,
        ReadIndexFromLease = options.ReadIndexFromLease,
        SnapshotEntries = options.SnapshotEntries,
        SnapshotLogBytes = options.SnapshotLogBytes,
        SnapshotCatchUpEntries = Math.Max(1, options.SnapshotEntries / 5),
        SnapshotCatchUpBytes = options.SnapshotCatchUpBytes,
        RandomSeed = _machine.NextSeed(),
    };

    private int _disposed;

    /// <summary>Idempotent: the hosted service disposes the node on stop, and the container again at exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_host is not null) await _host.DisposeAsync();
        _wal?.Dispose();
        if (_lock is not null) await _lock.DisposeAsync();
    }

    [LoggerMessage(EventId = 75301, Level = LogLevel.Warning, Message = "Empty node waiting to be added: on any member, POST /admin/members {{\"address\": \"{Listen}\"}} (e.g. via {Join})")]
    private static partial void LogAwaitingAdmission(ILogger logger, string listen, string join);

    [LoggerMessage(EventId = 75302, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogInsecurePeers(ILogger logger, string warning);

    [LoggerMessage(EventId = 75300, Level = LogLevel.Information, Message = "Node {Node} started ({How}): REST {Listen}, peers {PeerListen}")]
    private static partial void LogStarted(ILogger logger, ulong node, string listen, string peerListen, string how);
}
