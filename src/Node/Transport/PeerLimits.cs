// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Transport;

/// <summary>Named limits of the peer protocol: a frame beyond any of them closes that connection, never the node.</summary>
public sealed record PeerLimits
{
    /// <summary>Largest frame accepted (the header's length field); an append of one 4 MiB entry fits with room to spare.</summary>
    public int MaxFrameBytes { get; init; } = 16 << 20;

    /// <summary>Largest snapshot frame (one Raft snapshot message); snapshots travel on their own connection.</summary>
    public int MaxSnapshotFrameBytes { get; init; } = 1 << 30;

    /// <summary>Default of <see cref="SnapshotBytesPerSecond"/>, in MiB/s (the node's <c>--snapshot-rate-mib</c>).</summary>
    public const int DefaultSnapshotMiBPerSecond = 64;

    /// <summary>Bytes per second a node sends snapshots to one peer, so they cannot saturate the link or the CPU.</summary>
    public long SnapshotBytesPerSecond { get; init; } = (long)DefaultSnapshotMiBPerSecond << 20;

    /// <summary>Messages in one batch frame.</summary>
    public int MaxMessagesPerFrame { get; init; } = 65_536;

    /// <summary>Entries in one message.</summary>
    public int MaxEntriesPerMessage { get; init; } = 65_536;

    /// <summary>Member ids in each list of a configuration carried by a snapshot.</summary>
    public int MaxConfMembers { get; init; } = 1024;

    /// <summary>Frames waiting for one peer; beyond it new frames are dropped (Raft retransmits) and the drop is reported.</summary>
    public int MaxQueuedFramesPerPeer { get; init; } = 4096;

    /// <summary>Bytes waiting for one peer.</summary>
    public long MaxQueuedBytesPerPeer { get; init; } = 64L << 20;

    /// <summary>First and longest pause between reconnect attempts to an unreachable peer.</summary>
    public TimeSpan ReconnectBackoffMin { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A connect that takes longer fails (kept below half an election timeout, pitfall 18).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Time the whole handshake (challenge, hello, welcome) may take before the connection is closed, on either side.</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Incoming connections still in their handshake; beyond it a newcomer is closed at once.</summary>
    public int MaxPendingHandshakes { get; init; } = 64;
}
