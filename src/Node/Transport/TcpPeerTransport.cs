// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace RaftCache.Node.Transport;

/// <summary>
/// Peer transport over TCP. Each node keeps one persistent outgoing connection to every peer and accepts
/// the peers' connections to it, so each direction of a node pair has its own ordered stream (as etcd's
/// peer streams do). Outgoing sockets are bound to this node's own address, so peers and iptables rules see
/// the true source among several nodes on one loopback network. Every connection starts with a mutual
/// challenge/response handshake over the cluster secret (<see cref="PeerCredentials"/>), then the
/// <see cref="Admission"/> rule decides whether the proven node id may send frames. A frame that breaks the
/// protocol, or a peer that fails the handshake, closes that one connection; the node and its other connections carry on.
/// </summary>
public sealed partial class TcpPeerTransport : IPeerTransport
{
    private readonly IPEndPoint _listen;
    private readonly ulong _clusterId;
    private readonly PeerLimits _limits;
    private readonly PeerCredentials _credentials;
    private volatile Func<ulong, PeerAdmission>? _admission;
    private int _pendingHandshakes;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ulong, PeerSender> _senders = new();

    // Snapshots go on a connection of their own with a rate limit, so heartbeats never queue behind them.
    private readonly ConcurrentDictionary<ulong, PeerSender> _snapshotSenders = new();
    private readonly ConcurrentDictionary<Socket, Task> _receivers = new();

    // Which node each admitted incoming connection speaks for, so removing a peer can close its connections too.
    private readonly ConcurrentDictionary<Socket, ulong> _admittedFrom = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    public TcpPeerTransport(ulong nodeId, ulong clusterId, IPEndPoint listen, PeerLimits limits, PeerCredentials credentials, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _credentials = credentials;
        if (nodeId == 0) throw new ArgumentOutOfRangeException(nameof(nodeId), "node id 0 is reserved");
        NodeId = nodeId;
        _clusterId = clusterId;
        _listen = listen;
        _limits = limits;
        _logger = logger;
    }

    public ulong NodeId { get; }

    /// <summary>Frames, bytes and connection failures per peer (metrics).</summary>
    public PeerTraffic Traffic { get; } = new();

    /// <summary>
    /// Decides, for a peer that completed the handshake (it knows the cluster secret), whether its node id may send
    /// frames to this node. Consulted once per incoming connection, on a transport thread: it must be thread-safe,
    /// fast and must not block (read an immutable membership snapshot). Null (the default) admits every proven peer.
    /// A refusal's <see cref="PeerAdmission.Reason"/> is sent to the peer before the connection closes. Changing the
    /// rule does not close connections already admitted: <see cref="RemovePeer"/> does, for a removed member (which then
    /// redials, is refused, and learns why).
    /// </summary>
    public Func<ulong, PeerAdmission>? Admission
    {
        get => _admission;
        set => _admission = value;
    }

    /// <summary>
    /// Called (on a transport thread) when a peer that proved its membership refused this node because it was
    /// removed from the cluster: with the peer's id and its reason. The node can only learn this way when the
    /// removal committed while it was down or cut off, since a removed node no longer receives the metadata log.
    /// </summary>
    public Action<ulong, string>? RemovedFromCluster { get; set; }

    /// <summary>The bound endpoint (with the actual port when <c>listen</c> asked for port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_listener?.LocalEndPoint ?? _listen;

    public Task StartAsync(IPeerMessageSink sink, CancellationToken cancellationToken)
    {
        var listener = new Socket(_listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(_listen);
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, sink), CancellationToken.None);
        return Task.CompletedTask;
    }

    public void SetPeer(ulong nodeId, string address)
    {
        var endpoint = ParseEndPoint(address);
        SetSender(_senders, nodeId, endpoint, bytesPerSecond: 0);
        SetSender(_snapshotSenders, nodeId, endpoint, _limits.SnapshotBytesPerSecond);
    }

    private void SetSender(ConcurrentDictionary<ulong, PeerSender> senders, ulong nodeId, EndPoint endpoint, long bytesPerSecond)
    {
        var sender = senders.AddOrUpdate(
            nodeId,
            id => new PeerSender(this, id, endpoint, bytesPerSecond),
            (id, existing) =>
            {
                if (existing.Endpoint.Equals(endpoint)) return existing;
                existing.Stop();
                return new PeerSender(this, id, endpoint, bytesPerSecond);
            });
        sender.EnsureStarted();
    }

    public void RemovePeer(ulong nodeId)
    {
        if (_senders.TryRemove(nodeId, out var sender)) sender.Stop();
        if (_snapshotSenders.TryRemove(nodeId, out var snapshots)) snapshots.Stop();
        // Its own connections to this node end too: it notices at once (its sender watches for the close), dials
        // again and, if the admission rule now calls it removed, is told so.
        foreach (var (socket, from) in _admittedFrom)
        {
            if (from == nodeId) CloseQuietly(socket);
        }
    }

    private static void CloseQuietly(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by its receive loop.
        }
    }

    public bool Send(ulong toNode, IReadOnlyList<GroupMessage> batch)
    {
        if (!_senders.TryGetValue(toNode, out var sender) || !_snapshotSenders.TryGetValue(toNode, out var snapshots)) return false;
        List<GroupMessage>? regular = null;
        var sent = true;
        foreach (var item in batch)
        {
            if (item.Message.Type == Raft.MessageType.Snapshot) sent &= snapshots.TryEnqueue(PeerFrame.EncodeSnapshotBatch(item));
            else (regular ??= new List<GroupMessage>(batch.Count)).Add(item);
        }
        if (regular is null) return sent;
        foreach (var frame in PeerFrame.EncodeBatches(regular, _limits)) sent &= sender.TryEnqueue(frame);
        return sent;
    }

    public bool SendSnapshot(ulong toNode, GroupMessage item, int length, SpanFill fill) =>
        _snapshotSenders.TryGetValue(toNode, out var snapshots) && snapshots.TryEnqueue(PeerFrame.EncodeSnapshotBatch(item, length, fill));

    public bool SendForward(ulong toNode, PeerFrameKind kind, ReadOnlySpan<byte> payload)
    {
        if (kind is not (PeerFrameKind.Forward or PeerFrameKind.ForwardReply)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "only forward frames");
        return _senders.TryGetValue(toNode, out var sender) && sender.TryEnqueue(PeerFrame.Frame(kind, payload));
    }

    public event Action<ulong>? ConnectionLost;

    public bool IsConnected(ulong nodeId) => _senders.TryGetValue(nodeId, out var sender) && sender.IsConnected;

    /// <summary>"127.0.0.12:7000" or "host:7000".</summary>
    public static EndPoint ParseEndPoint(string address)
    {
        if (IPEndPoint.TryParse(address, out var ip) && ip.Port != 0) return ip;
        var colon = address.LastIndexOf(':');
        if (colon > 0 && int.TryParse(address.AsSpan(colon + 1), out var port) && port is > 0 and <= 65535)
            return new DnsEndPoint(address[..colon], port);
        throw new FormatException($"peer address '{address}' is not host:port");
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync();
        _listener?.Dispose();
        foreach (var sender in _senders.Values.Concat(_snapshotSenders.Values)) sender.Stop();
        foreach (var socket in _receivers.Keys) socket.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(_receivers.Values);
        await Task.WhenAll(_senders.Values.Concat(_snapshotSenders.Values).Select(s => s.Completion));
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 75100, Level = LogLevel.Warning, Message = "Peer connection from {Remote} closed: {Reason}")]
    private static partial void LogReceiveClosed(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 75101, Level = LogLevel.Information, Message = "Connected to peer {Peer} at {Endpoint} ({Lane})")]
    private static partial void LogConnected(ILogger logger, ulong peer, EndPoint endpoint, string lane);

    [LoggerMessage(EventId = 75103, Level = LogLevel.Warning, Message = "Peer {Peer} at {Endpoint} refused this node: {Reason}")]
    private static partial void LogRefusedByPeer(ILogger logger, ulong peer, EndPoint endpoint, string reason);

    [LoggerMessage(EventId = 75104, Level = LogLevel.Warning, Message = "Handshake with peer {Peer} at {Endpoint} failed: {Reason}")]
    private static partial void LogDialHandshakeFailed(ILogger logger, ulong peer, EndPoint endpoint, string reason);

    [LoggerMessage(EventId = 75105, Level = LogLevel.Warning, Message = "Refused a peer connection from {Remote}: {Reason}")]
    private static partial void LogRefusedPeer(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 75102, Level = LogLevel.Debug, Message = "Connection to peer {Peer} at {Endpoint} failed: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, ulong peer, EndPoint endpoint, string reason);
}
