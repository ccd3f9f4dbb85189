// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>Why a proposal was or was not taken. Values are explicit and only ever appended.</summary>
public enum ProposeOutcome : byte
{
    /// <summary>Appended to the leader's log at (<see cref="ProposeResult.Index"/>, <see cref="ProposeResult.Term"/>); not yet committed.</summary>
    Accepted = 0,

    /// <summary>Forwarded to the leader (follower with a known leader); the index is not known here.</summary>
    Forwarded = 1,

    /// <summary>No leader is known, or this node is not the leader and cannot forward.</summary>
    NotLeader = 2,

    /// <summary>A leadership transfer is in progress; retry on the new leader.</summary>
    TransferInProgress = 3,

    /// <summary>The entry exceeds <see cref="RaftConfig.MaxEntryBytes"/>.</summary>
    TooLarge = 4,

    /// <summary>Uncommitted entries exceed <see cref="RaftConfig.MaxUncommittedBytes"/>: no quorum keeps up.</summary>
    UncommittedLimit = 5,

    /// <summary>A configuration change is already pending, or this change is invalid for the current configuration.</summary>
    ConfChangeRejected = 6,
}

/// <summary>The answer to a proposal, a configuration change or a read request.</summary>
public readonly record struct ProposeResult(ProposeOutcome Outcome, ulong Index, ulong Term, ulong LeaderHint)
{
    public bool IsAccepted => Outcome is ProposeOutcome.Accepted or ProposeOutcome.Forwarded;

    public static ProposeResult Dropped(ProposeOutcome outcome, ulong leaderHint) => new(outcome, 0, 0, leaderHint);
}
