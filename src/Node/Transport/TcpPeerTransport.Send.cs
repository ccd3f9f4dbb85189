// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace RaftCache.Node.Transport;

public sealed partial class TcpPeerTransport
{
    /// <summary>
    /// The outgoing stream to one peer: a bounded queue of frames and a loop that connects (with backoff),
    /// introduces itself, and writes queued frames, coalescing whatever is queued into one socket write.
    /// A frame being written when the connection breaks is lost; Raft retransmits what matters.
    /// While the peer is unreachable (a connect failed or the connection broke, until the next connect succeeds)
    /// nothing is queued: frames are refused and what was queued is dropped. Otherwise a peer that was down for a
    /// while would, on its return, receive every heartbeat and append queued meanwhile (up to the queue limits),
    /// and catch up from stale appends of entries its leader has since compacted instead of from a snapshot;
    /// refusing also tells Raft the peer is unreachable (the host reports it), as etcd's transport does.
    /// </summary>
    private sealed partial class PeerSender
    {
        private const int CoalesceBytes = 256 << 10;

        private readonly TcpPeerTransport _owner;
        private readonly ulong _peer;
        private readonly Channel<byte[]> _queue;
        private readonly CancellationTokenSource _stop;
        private readonly object _enqueueLock = new();
        private long _queuedBytes;
        private int _started;
        private volatile bool _connected;
        private bool _unreachable;

        private readonly long _bytesPerSecond;

        public PeerSender(TcpPeerTransport owner, ulong peer, EndPoint endpoint, long bytesPerSecond)
        {
            _bytesPerSecond = bytesPerSecond;
            _owner = owner;
            _peer = peer;
            Endpoint = endpoint;
            _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(owner._limits.MaxQueuedFramesPerPeer)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            _stop = CancellationTokenSource.CreateLinkedTokenSource(owner._stopping.Token);
        }

        public EndPoint Endpoint { get; }

        public bool IsConnected => _connected;

        public Task Completion { get; private set; } = Task.CompletedTask;

        public void EnsureStarted()
        {
            if (Interlocked.Exchange(ref _started, 1) == 0) Completion = Task.Run(RunAsync, CancellationToken.None);
        }

        public bool TryEnqueue(byte[] frame)
        {
            // Under the lock: a frame is either queued before the peer is marked unreachable (and then dropped with
            // the rest) or refused after, never left behind to be delivered stale.
            lock (_enqueueLock)
            {
                if (_unreachable) return false;
                // A frame larger than the byte limit is still taken when nothing else waits: one shard snapshot can
                // exceed MaxQueuedBytesPerPeer (64 MiB) while staying below MaxSnapshotFrameBytes, and refusing it every
                // time meant such a shard could never reach a new replica. At most one frame beyond the limit ever waits.
                var queued = Interlocked.Add(ref _queuedBytes, frame.Length);
                if ((queued > _owner._limits.MaxQueuedBytesPerPeer && queued != frame.Length) || !_queue.Writer.TryWrite(frame))
                {
                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                    return false;
                }
                return true;
            }
        }

        /// <summary>The peer cannot be reached: drop what is queued and refuse frames until a connect succeeds.</summary>
        private void MarkUnreachable()
        {
            lock (_enqueueLock)
            {
                _unreachable = true;
                while (_queue.Reader.TryRead(out var frame)) Interlocked.Add(ref _queuedBytes, -frame.Length);
            }
        }

        private void MarkReachable()
        {
            lock (_enqueueLock) _unreachable = false;
        }

        public void Stop()
        {
            _queue.Writer.TryComplete();
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private async Task RunAsync()
        {
            var backoff = _owner._limits.ReconnectBackoffMin;
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var socket = await ConnectAsync();
                    await using var stream = new NetworkStream(socket, ownsSocket: false);
                    using var channel = await HandshakeAsync(stream);
                    _connected = true;
                    MarkReachable();
                    backoff = _owner._limits.ReconnectBackoffMin;
                    LogConnected(_owner._logger, _peer, Endpoint, _bytesPerSecond > 0 ? "snapshots" : "raft");
                    using var closedByPeer = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    _ = WatchForCloseAsync(stream, closedByPeer);
                    try
                    {
                        await PumpAsync(stream, channel, closedByPeer.Token);
                    }
                    catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                    {
                        throw new IOException("the peer closed the connection");
                    }
                    return; // the queue was completed: this peer was removed or the node is stopping
                }
                catch (PeerRefusedException e)
                {
                    _connected = false;
                    if (_stop.IsCancellationRequested) return;
                    if (e.RemovedFromCluster) _owner.RemovedFromCluster?.Invoke(_peer, e.Message);
                    LogRefusedByPeer(_owner._logger, _peer, Endpoint, e.Message);
                }
                catch (PeerProtocolException e)
                {
                    _connected = false;
                    if (_stop.IsCancellationRequested) return;
                    LogDialHandshakeFailed(_owner._logger, _peer, Endpoint, e.Message);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or TimeoutException or EndOfStreamException)
                {
                    var wasConnected = _connected;
                    _connected = false;
                    if (wasConnected && _bytesPerSecond <= 0) _owner.ConnectionLost?.Invoke(_peer);
                    if (_stop.IsCancellationRequested) return;
                    MarkUnreachable();
                    _owner.Traffic.ConnectFailed(_peer);
                    LogConnectFailed(_owner._logger, _peer, Endpoint, e.Message);
                }
                try
                {
                    await Task.Delay(backoff, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _owner._limits.ReconnectBackoffMax.Ticks));
            }
        }

        private async Task<PeerChannel?> HandshakeAsync(NetworkStream stream)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            deadline.CancelAfter(_owner._limits.HelloTimeout);
            try
            {
                return await _owner.DialHandshakeAsync(stream, _peer, deadline.Token);
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                throw new PeerProtocolException($"no handshake within {_owner._limits.HelloTimeout.TotalSeconds:0.#} s (an older protocol version, or not a RaftCache peer?)");
            }
        }

        private async Task<Socket> ConnectAsync()
        {
            var own = _owner._listen.Address;
            var socket = new Socket(own.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (!own.Equals(IPAddress.Any) && !own.Equals(IPAddress.IPv6Any)) socket.Bind(new IPEndPoint(own, 0));
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(_owner._limits.ConnectTimeout);
                await socket.ConnectAsync(Endpoint, timeout.Token);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        // The receiver never writes after the handshake, so a read that completes means it closed the connection
        // (or broke the protocol): the pump stops and the sender dials again. Without this an idle sender would
        // never notice, and a node removed while connected, which may have nothing to send, would never be told.
        private static async Task WatchForCloseAsync(NetworkStream stream, CancellationTokenSource closed)
        {
            try
            {
                _ = await stream.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false, closed.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
            try
            {
                closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The connection already ended on this side.
            }
        }

        private async Task PumpAsync(NetworkStream stream, PeerChannel? channel, CancellationToken cancellationToken)
        {
            var buffer = new ArrayBufferWriter<byte>(CoalesceBytes);
            // Between secured peers, the regular frames of one flush are sealed as one record (one nonce, one tag);
            // the snapshot lane seals its (large, rate-limited) frames one by one.
            var record = channel is not null && _bytesPerSecond <= 0 ? new ArrayBufferWriter<byte>(PeerRecord.MaxBytes) : null;
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                if (reader.TryPeek(out var next) && next[4] == (byte)PeerFrameKind.SnapshotBatch && reader.TryRead(out var snapshot))
                {
                    await SendAloneAsync(stream, snapshot, channel, cancellationToken);
                    continue;
                }
                buffer.ResetWrittenCount();
                var frames = 0;
                if (record is not null) frames = SealRecords(reader, channel!, record, buffer);
                for (; buffer.WrittenCount < CoalesceBytes && reader.TryRead(out var frame); frames++)
                {
                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                    if (channel is null) buffer.Write(frame);
                    else channel.Seal(frame, buffer);
                }
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await WriteAsync(stream, buffer.WrittenMemory, cancellationToken);
                _owner.Traffic.Sent(_peer, frames, buffer.WrittenCount);
                if (_bytesPerSecond > 0) _owner.Traffic.SnapshotStreamed?.Invoke(_peer, buffer.WrittenCount, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                // A frame too large for a record (catch-up appends of many groups, up to MaxFrameBytes) grows the buffer
                // to its size: let it go rather than hold that much per peer.
                if (buffer.Capacity > 4 * CoalesceBytes) buffer = new ArrayBufferWriter<byte>(CoalesceBytes);
            }
        }

        // A snapshot frame (only the snapshot lane carries them) goes by itself, sealed where it lies: no copy of a
        // shard's snapshot into a buffer.
        private async Task SendAloneAsync(NetworkStream stream, byte[] frame, PeerChannel? channel, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            var wire = PeerFrame.SealedInPlace(frame, channel);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await WriteAsync(stream, wire, cancellationToken);
            _owner.Traffic.Sent(_peer, 1, wire.Length);
            if (_bytesPerSecond > 0) _owner.Traffic.SnapshotStreamed?.Invoke(_peer, wire.Length, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        // Unlimited lanes write at once; a rate-limited lane (snapshots) writes in slices, pausing as the rate
        // demands, so a large snapshot takes its time instead of the link's whole bandwidth.
        private async Task WriteAsync(NetworkStream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (_bytesPerSecond <= 0)
            {
                await stream.WriteAsync(data, cancellationToken);
                return;
            }
            const int Slice = 64 << 10;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            long written = 0;
            while (written < data.Length)
            {
                var slice = data.Slice((int)written, (int)Math.Min(Slice, data.Length - written));
                await stream.WriteAsync(slice, cancellationToken);
                written += slice.Length;
                var due = TimeSpan.FromSeconds((double)written / _bytesPerSecond) - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero) await Task.Delay(due, cancellationToken);
            }
        }
    }
}
