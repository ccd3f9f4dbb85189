// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using RaftCache.Node.Transport;

namespace RaftCache.Node.Requests;

/// <summary>Queues a forward frame for a peer; false when it was not queued (the peer never sees it).</summary>
public delegate bool ForwardSender(ulong toNode, PeerFrameKind kind, ReadOnlySpan<byte> payload);

/// <summary>What serving a forwarded request needs from this node: serve it here, once, never routing it further.</summary>
public interface ILocalShards
{
    Task<WriteOutcome> WriteHereAsync(int shard, byte[] command, CancellationToken deadline);

    /// <summary>A forwarded write: as <see cref="WriteHereAsync"/>, but its continuation (encode and queue the reply) may run on the host loop.</summary>
    Task<WriteOutcome> ServeWriteAsync(int shard, byte[] command, CancellationToken deadline) => WriteHereAsync(shard, command, deadline);

    /// <summary>A read served here; <paramref name="continueInline"/> as for <see cref="ICacheCluster.ReadAsync"/>.</summary>
    Task<ReadOutcome> ReadHereAsync(int shard, byte[] key, ReadConsistency consistency, CancellationToken deadline, bool continueInline = false);

    /// <summary>Member <paramref name="origin"/> forwarded a write or a lease read of <paramref name="shard"/> here (where leaders go).</summary>
    void NoteRequestFrom(int shard, ulong origin)
    {
    }
}

/// <summary>
/// Client requests between members over the authenticated peer connection: a member that cannot serve a request
/// sends it (already encoded, its session inside) to the member that can, and gets the typed outcome back by request
/// id. The serving member only ever serves it itself, so a forward never travels further and cannot loop; a member
/// that cannot serve it after all answers "route again" with its idea of the leader. A frame that was not queued is
/// "route again" at once; a connection lost after sending leaves the outcome unknown (<see cref="WriteOutcome.Uncertain"/>).
/// </summary>
public sealed partial class PeerForwarder(ForwardSender send, ILocalShards local, SharedDeadline serveDeadline, ILogger logger)
{
    private readonly ConcurrentDictionary<ulong, Pending> _pending = new();

    // Random start: a reply meant for this process's previous incarnation must not match a new request.
    private ulong _nextId = (ulong)Random.Shared.NextInt64() & 0xFFFF_FFFF_0000_0000UL;

    /// <summary>Requests sent and not yet answered (metrics, tests).</summary>
    public int Outstanding => _pending.Count;

    public async Task<WriteOutcome> WriteAsync(ulong peer, int shard, byte[] command, CancellationToken deadline)
    {
        var pending = new Pending(peer, ForwardOp.Write);
        var id = Interlocked.Increment(ref _nextId);
        _pending[id] = pending;
        try
        {
            if (!Send(peer, new ForwardRequest(id, ForwardOp.Write, (ulong)shard, ReadConsistency.Linearizable, command)))
                return WriteOutcome.RouteAgain($"node {peer} cannot be reached");
            return await pending.Write!.Task.WaitAsync(deadline);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Asks <paramref name="peer"/> to serve a read. With <paramref name="continueInline"/> the caller's continuation
    /// runs on the thread that received the reply (as for <see cref="ICacheCluster.ReadAsync"/>).
    /// </summary>
    public async Task<ReadOutcome> ReadAsync(ulong peer, int shard, byte[] key, ReadConsistency consistency, CancellationToken deadline, bool continueInline = false)
    {
        var pending = new Pending(peer, ForwardOp.Read, continueInline);
        var id = Interlocked.Increment(ref _nextId);
        _pending[id] = pending;
        try
        {
            if (!Send(peer, new ForwardRequest(id, ForwardOp.Read, (ulong)shard, consistency, key)))
                return ReadOutcome.RouteAgain($"node {peer} cannot be reached");
            return await pending.Read!.Task.WaitAsync(deadline);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    // Encoded into pooled memory: the transport copies it once, into the frame it queues.
    private bool Send(ulong peer, in ForwardRequest request)
    {
        using var encoded = new PooledBuffer(request.Body.Length + 32);
        ForwardCodec.EncodeRequest(request, encoded);
        return send(peer, PeerFrameKind.Forward, encoded.WrittenSpan);
    }

    /// <summary>A forward frame from a peer (on a transport thread). Throws <see cref="PeerProtocolException"/> when it does not decode.</summary>
    public void OnFrame(ulong from, PeerFrameKind kind, ReadOnlySpan<byte> payload)
    {
        if (kind == PeerFrameKind.Forward)
        {
            var request = ForwardCodec.DecodeRequest(payload);
            _ = ServeAsync(from, request);
            return;
        }
        var r = new WireReader(payload);
        var (id, op) = ForwardCodec.ReadReplyHeader(ref r);
        // Only the member asked may answer; anything else (a late reply, another peer's id) is ignored.
        if (!_pending.TryGetValue(id, out var pending) || pending.Peer != from || pending.Op != op) return;
        if (op == ForwardOp.Write) pending.Write!.TrySetResult(ForwardCodec.DecodeWriteReply(ref r));
        else pending.Read!.TrySetResult(ForwardCodec.DecodeReadReply(ref r));
    }

    /// <summary>A connection to or from <paramref name="peer"/> ended: requests it has not answered may never be.</summary>
    public void OnConnectionLost(ulong peer)
    {
        foreach (var (_, pending) in _pending)
        {
            if (pending.Peer != peer) continue;
            // Not on the caller's thread (a read's continuation may run inline): the transport tells of a lost
            // connection from inside its own bookkeeping.
            ThreadPool.UnsafeQueueUserWorkItem(p =>
            {
                p.Write?.TrySetResult(WriteOutcome.RouteAgain($"the connection to node {peer} was lost") with { Uncertain = true });
                p.Read?.TrySetResult(ReadOutcome.RouteAgain($"the connection to node {peer} was lost"));
            }, pending, preferLocal: false);
        }
    }

    private async Task ServeAsync(ulong from, ForwardRequest request)
    {
        try
        {
            var deadline = serveDeadline.Next();
            var shard = (int)Math.Min(request.Group, int.MaxValue);
            if (request.Op == ForwardOp.Write || request.Consistency == ReadConsistency.Lease) local.NoteRequestFrom(shard, from);
            ReadOnlyMemory<byte> reply;
            if (request.Op == ForwardOp.Write)
            {
                var outcome = await local.ServeWriteAsync(shard, request.Body, deadline);
                reply = ForwardCodec.EncodeWriteReply(request.RequestId, outcome);
            }
            else
            {
                // Encoding and queueing the reply is short and never blocks: it may run where the read is confirmed.
                var outcome = await local.ReadHereAsync(shard, request.Body, request.Consistency, deadline, continueInline: true);
                reply = ForwardCodec.EncodeReadReply(request.RequestId, outcome);
            }
            // Not queued: the requester learns nothing and answers its client at its own deadline, as for any lost reply.
            send(from, PeerFrameKind.ForwardReply, reply.Span);
        }
        catch (Exception e)
        {
            LogServeFailed(logger, from, request.Op, e);
        }
    }

    private sealed class Pending(ulong peer, ForwardOp op, bool continueInline = false)
    {
        public ulong Peer => peer;

        public ForwardOp Op => op;

        public TaskCompletionSource<WriteOutcome>? Write { get; } = op == ForwardOp.Write ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;

        public TaskCompletionSource<ReadOutcome>? Read { get; } = op == ForwardOp.Read
            ? new(continueInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously)
            : null;
    }

    [LoggerMessage(EventId = 75400, Level = LogLevel.Warning, Message = "Serving a forwarded {Op} from node {From} failed")]
    private static partial void LogServeFailed(ILogger logger, ulong from, ForwardOp op, Exception exception);
}
