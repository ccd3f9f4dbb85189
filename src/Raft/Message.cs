// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// Message kinds. Sent over the wire and persisted in traces: values are explicit and only ever appended.
/// Kinds marked local never leave the node; the host feeds them to its own core.
/// </summary>
public enum MessageType : byte
{
    /// <summary>Local: start an election (or a pre-vote) now.</summary>
    Hup = 0,

    /// <summary>Local: the leader's heartbeat timer fired.</summary>
    Beat = 1,

    /// <summary>A proposal forwarded from a follower to the leader.</summary>
    Propose = 2,
    Append = 3,
    AppendResponse = 4,
    Vote = 5,
    VoteResponse = 6,
    Snapshot = 7,
    Heartbeat = 8,
    HeartbeatResponse = 9,

    /// <summary>Local: the transport could not reach <see cref="Message.From"/>.</summary>
    Unreachable = 10,

    /// <summary>Local: a snapshot send to <see cref="Message.From"/> finished; <see cref="Message.Reject"/> when it failed.</summary>
    SnapshotStatus = 11,

    /// <summary>Local: the leader checks that it heard from a quorum within an election timeout.</summary>
    CheckQuorum = 12,
    TransferLeader = 13,
    TimeoutNow = 14,
    ReadIndex = 15,
    ReadIndexResponse = 16,
    PreVote = 17,
    PreVoteResponse = 18,
}

/// <summary>
/// A Raft message between two members of one group. The group id is the host's business: the
/// transport tags frames with it. <see cref="Session"/> stamps replication traffic with the
/// configuration index at which the recipient's progress was created, so that responses from an
/// earlier membership of the same node id are ignored (pitfall 9: remove and re-add in one term).
/// </summary>
public sealed record Message
{
    public MessageType Type { get; init; }
    public ulong From { get; init; }
    public ulong To { get; init; }
    public ulong Term { get; init; }

    /// <summary>Append: term of the entry at <see cref="Index"/>. Vote: the candidate's last log term.</summary>
    public ulong LogTerm { get; init; }

    /// <summary>Append: index preceding <see cref="Entries"/>. Vote: the candidate's last index. Response: the index acknowledged or rejected.</summary>
    public ulong Index { get; init; }

    public IReadOnlyList<Entry> Entries { get; init; } = [];

    public ulong Commit { get; init; }

    public bool Reject { get; init; }

    /// <summary>Rejected append: the follower's hint for where the logs may match (fast backtracking).</summary>
    public ulong RejectHint { get; init; }

    /// <summary>Opaque to the wire: ReadIndex request ids, and <see cref="CampaignTransferContext"/> on transfer-triggered votes.</summary>
    public ulong Context { get; init; }

    public Snapshot? Snapshot { get; init; }

    /// <summary>Replication session (see the type's remarks). Zero on messages that need none.</summary>
    public ulong Session { get; init; }

    /// <summary>
    /// A heartbeat that carries the leader's last entry (<see cref="Index"/>, <see cref="LogTerm"/>; plain heartbeats carry
    /// neither) is the quiesce marker: the leader goes quiet after it, and so does a follower holding that entry committed.
    /// </summary>
    public bool IsQuiesceMarker => Type == MessageType.Heartbeat && Index != 0;

    /// <summary>Marks votes caused by a leadership transfer: they may disturb a leader that is still heard (Raft thesis §3.10).</summary>
    public const ulong CampaignTransferContext = 1;

    public override string ToString()
    {
        var text = $"{From}->{To} {Type} Term:{Term}";
        if (LogTerm != 0 || Index != 0) text += $" Log:{LogTerm}/{Index}";
        if (Commit != 0) text += $" Commit:{Commit}";
        if (Reject) text += $" Rejected (Hint: {RejectHint})";
        if (Entries.Count > 0) text += $" Entries:[{string.Join(", ", Entries)}]";
        if (Snapshot is { IsEmpty: false } s) text += $" Snapshot:{s.Metadata.Term}/{s.Metadata.Index} {s.Metadata.ConfState}";
        if (Context != 0) text += $" Context:{Context}";
        return text;
    }
}
