// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// Test-only switches that plant known Raft bugs, so tests can prove the simulation's checkers catch
/// each one. Never set outside tests; <see cref="RaftConfig.Validate"/> logs nothing about them because
/// production configuration has no way to set them (they are not bound from configuration files).
/// </summary>
[Flags]
public enum PlantedBugs
{
    None = 0,

    /// <summary>Advance commit through an earlier-term entry by counting replicas (Raft §5.4.2, Figure 8).</summary>
    CommitPreviousTermByCount = 1 << 0,

    /// <summary>The HardState handed to the host omits the vote, so a restarted node can vote twice in a term.</summary>
    VoteNotPersisted = 1 << 1,

    /// <summary>ReadIndex on the leader answers at once with its commit index, without confirming leadership.</summary>
    ReadWithoutReadIndex = 1 << 2,

    /// <summary>Append acknowledgements and votes go out with <see cref="Ready.Messages"/>, before persistence.</summary>
    AckBeforePersist = 1 << 3,

    /// <summary>A follower truncates its log at the leader's append point even when the entries match (may cut committed entries).</summary>
    TruncateCommitted = 1 << 4,

    /// <summary>The leader accepts a configuration change while another is still pending.</summary>
    ConfChangeWhilePending = 1 << 5,

    /// <summary>The host deletes a replica without staging the WAL's drop record, so a crash recovers the deleted replica's log.</summary>
    ReplicaDropNotLogged = 1 << 6,

    /// <summary>A restarting node subscribes to metadata changes after recovery, missing the record its snapshot restores.</summary>
    MetadataSubscribedLate = 1 << 7,

    /// <summary>The host's read lease lasts a whole election timeout, with no margin for clock drift (a host bug, planted through the same switch).</summary>
    LeaseWithoutDriftMargin = 1 << 8,

    /// <summary>A leader quiesces after its idle rounds even when a follower lacks entries or they are uncommitted.</summary>
    QuiesceUnreplicated = 1 << 9,

    /// <summary>The host never wakes a quiesced follower whose leader's node fell silent (a host bug, planted through the same switch).</summary>
    QuiescedIgnoresLiveness = 1 << 10,
}
