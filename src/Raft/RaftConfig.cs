// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>How linearizable reads are confirmed.</summary>
public enum ReadOnlyOption : byte
{
    /// <summary>ReadIndex: the leader confirms its leadership with a heartbeat quorum before answering.</summary>
    Safe = 0,

    /// <summary>The leader answers from its lease; only valid with <see cref="RaftConfig.CheckQuorum"/> and bounded clock drift.</summary>
    LeaseBased = 1,
}

/// <summary>Configuration of one Raft group member. Times are in ticks; sizes in bytes.</summary>
public sealed record RaftConfig
{
    /// <summary>This member's id: never zero, never reused by another member of the group.</summary>
    public required ulong Id { get; init; }

    /// <summary>Stable storage as the core sees it; the host appends to it after persisting each Ready.</summary>
    public required IRaftLog Log { get; init; }

    /// <summary>Seeded source of election jitter.</summary>
    public required IRandomSource Random { get; init; }

    /// <summary>Base election timeout; the actual timeout is drawn from [ElectionTicks, 2 × ElectionTicks).</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Ticks between leader heartbeats; must be less than <see cref="ElectionTicks"/> / 2 (pitfall 18).</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>The last applied index when restarting; entries up to it are not handed out again.</summary>
    public ulong Applied { get; init; }

    public bool PreVote { get; init; } = true;

    public bool CheckQuorum { get; init; } = true;

    public ReadOnlyOption ReadOnlyOption { get; init; } = ReadOnlyOption.Safe;

    /// <summary>
    /// A starting node refuses votes and pre-votes for one election timeout, as if it had just heard from a leader.
    /// A host that serves lease reads needs it: a follower that acknowledged the leader and then restarted would
    /// otherwise vote at once, and a new leader could be elected while the old one's lease still runs.
    /// </summary>
    public bool RefuseVotesAfterStart { get; init; }

    /// <summary>A leader that is removed from the configuration steps down once the removal is applied.</summary>
    public bool StepDownOnRemoval { get; init; } = true;

    /// <summary>Upper bound of entry bytes in one append message (one entry is always sent, even if larger).</summary>
    public long MaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>Append messages in flight to one follower in replicate state.</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Entry bytes in flight to one follower (Little's law: 8 MiB at 100 ms RTT allows 80 MB/s).</summary>
    public long MaxInflightBytes { get; init; } = 8L << 20;

    /// <summary>Bytes of uncommitted entries a leader accepts before failing proposals fast (pitfall 20).</summary>
    public long MaxUncommittedBytes { get; init; } = 64L << 20;

    /// <summary>Bytes of committed entries handed out in one Ready.</summary>
    public long MaxCommittedBytesPerReady { get; init; } = 16L << 20;

    /// <summary>Largest single entry payload a proposal may carry.</summary>
    public int MaxEntryBytes { get; init; } = 4 << 20;

    /// <summary>Test-only bug switches (see <see cref="RaftCache.Raft.PlantedBugs"/>).</summary>
    public PlantedBugs PlantedBugs { get; init; }

    /// <summary>
    /// Heartbeat rounds a leader's group must stay fully replicated and idle before it quiesces (stops heartbeating and
    /// ticking until something happens); 0 never quiesces. The host must then wake quiesced followers whose leader's
    /// node falls silent (<see cref="RawNode.Unquiesce"/>).
    /// </summary>
    public int QuiesceTicks { get; init; }

    /// <summary>Receives role changes and anomalies; the core never writes anywhere else.</summary>
    public IRaftLogger Logger { get; init; } = NullRaftLogger.Instance;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (Id == 0) throw new ArgumentException("Id must not be zero.", nameof(Id));
        if (HeartbeatTicks <= 0) throw new ArgumentException($"HeartbeatTicks must be positive, was {HeartbeatTicks}.", nameof(HeartbeatTicks));
        if (ElectionTicks <= 2 * HeartbeatTicks)
            throw new ArgumentException($"ElectionTicks ({ElectionTicks}) must exceed 2 × HeartbeatTicks ({HeartbeatTicks}).", nameof(ElectionTicks));
        if (QuiesceTicks < 0) throw new ArgumentException($"QuiesceTicks must not be negative, was {QuiesceTicks}.", nameof(QuiesceTicks));
        if (MaxInflightMessages <= 0) throw new ArgumentException("MaxInflightMessages must be positive.", nameof(MaxInflightMessages));
        if (MaxInflightBytes <= 0) throw new ArgumentException("MaxInflightBytes must be positive.", nameof(MaxInflightBytes));
        if (MaxMessageBytes <= 0) throw new ArgumentException("MaxMessageBytes must be positive.", nameof(MaxMessageBytes));
        if (MaxUncommittedBytes <= 0) throw new ArgumentException("MaxUncommittedBytes must be positive.", nameof(MaxUncommittedBytes));
        if (MaxCommittedBytesPerReady <= 0) throw new ArgumentException("MaxCommittedBytesPerReady must be positive.", nameof(MaxCommittedBytesPerReady));
        if (MaxEntryBytes <= 0) throw new ArgumentException("MaxEntryBytes must be positive.", nameof(MaxEntryBytes));
        if (ReadOnlyOption == ReadOnlyOption.LeaseBased && !CheckQuorum)
            throw new ArgumentException("Lease-based reads require CheckQuorum (pitfall 2).", nameof(ReadOnlyOption));
    }
}

/// <summary>Where the core reports role changes and anomalies. Implementations must not block.</summary>
public interface IRaftLogger
{
    void Info(string message);

    void Warn(string message);
}

public sealed class NullRaftLogger : IRaftLogger
{
    public static readonly NullRaftLogger Instance = new();

    public void Info(string message) { }

    public void Warn(string message) { }
}
