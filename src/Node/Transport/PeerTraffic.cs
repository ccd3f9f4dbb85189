// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace RaftCache.Node.Transport;

/// <summary>
/// Frames and bytes exchanged with each peer, and failed connection attempts, since the transport started.
/// Counted by the sending and receiving tasks; read by the metrics (one series per peer: the members, bounded).
/// </summary>
public sealed class PeerTraffic
{
    private readonly ConcurrentDictionary<ulong, Counters> _peers = new();

    public IEnumerable<KeyValuePair<ulong, Counters>> Peers => _peers;

    public void Sent(ulong peer, int frames, long bytes)
    {
        var counters = Of(peer);
        Interlocked.Add(ref counters.FramesSent, frames);
        Interlocked.Add(ref counters.BytesSent, bytes);
    }

    public void Received(ulong peer, long bytes)
    {
        var counters = Of(peer);
        Interlocked.Increment(ref counters.FramesReceived);
        Interlocked.Add(ref counters.BytesReceived, bytes);
    }

    /// <summary>
    /// Called by a snapshot connection's sender after it wrote snapshot frames to a peer: the bytes and how long the
    /// (rate-limited) write took. Set once, before the transport starts.
    /// </summary>
    public Action<ulong, long, TimeSpan>? SnapshotStreamed { get; set; }

    public void ConnectFailed(ulong peer) => Interlocked.Increment(ref Of(peer).ConnectFailures);

    private Counters Of(ulong peer) => _peers.GetOrAdd(peer, static _ => new Counters());

    /// <summary>Fields, not properties: they are incremented with Interlocked and read with Volatile.</summary>
    public sealed class Counters
    {
        public long FramesSent;
        public long BytesSent;
        public long FramesReceived;
        public long BytesReceived;
        public long ConnectFailures;
    }
}
