// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using RaftCache.Node.Transport;
using RaftCache.Storage;

namespace RaftCache.Node.Hosting;

public sealed partial class CacheNode
{
    private FileStream? _lock;

    /// <summary>
    /// This process's machine: the data folder (locked, with the identity file and the WAL), TCP to the peers, the
    /// host's loop task and random seeds. The only part of the node that touches files, sockets, threads and
    /// unseeded randomness, which is why this file alone is exempt from the simulation's determinism guard.
    /// </summary>
    private NodeMachine LocalMachine() => new()
    {
        LoadIdentity = () =>
        {
            Directory.CreateDirectory(_options.DataDir);
            _lock ??= LockDataDir(_options.DataDir);
            return NodeIdentity.Load(_options.DataDir);
        },
        SaveIdentity = identity => identity.Save(_options.DataDir),
        OpenWal = () => WriteAheadLog.OpenDirectory(Path.Combine(_options.DataDir, "wal"), new WalOptions
        {
            UnsafeSkipFsync = _options.UnsafeNoFsync,
            Synced = Instruments.OnWalSynced,
            Encryption = _options.EncryptionKeyFile is { Length: > 0 } keyFile ? StorageKeyring.Load(keyFile) : null,
        }),
        CreateTransport = (identity, admission, removed) =>
        {
            var credentials = Configuration.PeerSecret.Load(_options);
            if (!credentials.IsSecured) LogInsecurePeers(_logger, Configuration.PeerSecret.InsecureWarning);
            var transport = new TcpPeerTransport(_options.Id, identity.ClusterId, ParseListen(_options.PeerListen), new PeerLimits { SnapshotBytesPerSecond = (long)_options.SnapshotRateMiB << 20 }, credentials, _loggers.CreateLogger<TcpPeerTransport>())
            {
                Admission = admission,
                RemovedFromCluster = removed,
            };
            transport.Traffic.SnapshotStreamed = Instruments.SnapshotStreamed;
            return transport;
        },
        CreateHost = (options, wal, transport) => new RaftHost(options, wal, transport, _time, _loggers.CreateLogger<RaftHost>()) { Instruments = Instruments },
        StartHost = (host, cancellationToken) => host.StartAsync(cancellationToken),
        NextSeed = () => (ulong)Random.Shared.NextInt64(),
    };

    /// <summary>
    /// Holds an exclusive lock on the data folder for the life of the process: two nodes writing one WAL would
    /// corrupt it. (.NET maps FileShare.None to an advisory flock on Linux; every RaftCache process honours it.)
    /// </summary>
    private static FileStream LockDataDir(string dataDir)
    {
        var path = Path.Combine(dataDir, "LOCK");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"data folder {dataDir} is in use by another process ({path} is locked)", e);
        }
    }

    private static IPEndPoint ParseListen(string address) =>
        TcpPeerTransport.ParseEndPoint(address) as IPEndPoint
        ?? throw new FormatException($"--peer-listen must be an IP address and port, was '{address}'");
}
