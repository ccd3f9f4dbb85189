// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// Quiescence (CockroachDB's range quiescence): a group with nothing to do sends no heartbeats and counts no ticks.
/// A leader whose group is fully replicated and idle for <see cref="RaftConfig.QuiesceTicks"/> heartbeat rounds sends
/// one last heartbeat marked as the quiesce marker (carrying its last index and term) and stops ticking; a follower that
/// holds that entry, has committed it and follows that leader stops ticking too. Anything else that reaches the core
/// (a proposal, a read, a transfer, a message other than the marker or the leader's heartbeat acknowledgements) wakes
/// it, and a waking leader heartbeats at once. A quiesced follower cannot notice a dead leader by itself: the host
/// wakes it through node liveness (<see cref="Unquiesce"/>). Quiescence never changes what is safe, only when timers
/// run: a quiesced follower counts no election ticks, so it refuses other candidates for longer, never shorter.
/// </summary>
internal sealed partial class Raft
{
    private bool _quiesced;

    // Leader: consecutive heartbeat rounds in which the group was fully replicated and idle.
    private int _idleHeartbeats;

    public bool Quiesced => _quiesced;

    /// <summary>
    /// Leader, at a heartbeat round: true when it sent the quiesce marker instead of a plain heartbeat and went quiet.
    /// </summary>
    private bool MaybeQuiesce()
    {
        if (_config.QuiesceTicks <= 0) return false;
        if (!Planted(PlantedBugs.QuiesceUnreplicated) && !FullyReplicatedAndIdle())
        {
            _idleHeartbeats = 0;
            return false;
        }

        if (++_idleHeartbeats < _config.QuiesceTicks || !AllPeersRecentlyActive()) return false;
        // Idle means no read is pending, so the marker carries no read context.
        BroadcastHeartbeat(0, Log.LastIndex, Log.LastTerm);
        _quiesced = true;
        _logger.Info($"{Who} quiesced at {Log.LastTerm}/{Log.LastIndex}");
        return true;
    }

    /// <summary>
    /// Every member holds the whole log durably, all of it is committed and applied, and nothing waits: no read,
    /// configuration change, transfer, or uncommitted entry.
    /// </summary>
    private bool FullyReplicatedAndIdle()
    {
        var last = Log.LastIndex;
        if (Log.Committed != last || Log.Applied != last || Log.StableLastIndex != last) return false;
        if (LeadTransferee != 0 || PendingConfIndex > Log.Applied || Tracker.Config.Voters.IsJoint || Tracker.Config.LearnersNext.Count > 0) return false;
        if (_readOnly.LastPendingContext != 0 || _pendingReadIndexMessages.Count > 0) return false;
        foreach (var pr in Tracker.Progress.Values)
        {
            if (pr.Match != last || pr.PendingSnapshot != 0) return false;
        }

        return true;
    }

    /// <summary>Every peer answered since the last check-quorum round: a leader never goes quiet on a peer it cannot hear.</summary>
    private bool AllPeersRecentlyActive()
    {
        foreach (var (id, pr) in Tracker.Progress)
        {
            if (id != Id && !pr.RecentActive) return false;
        }

        return true;
    }

    /// <summary>Follower, after handling a heartbeat: goes quiet on a marker it agrees with (same leader, same log through the marked entry, committed).</summary>
    private void MaybeFollowQuiesce(Message m)
    {
        if (!m.IsQuiesceMarker || _config.QuiesceTicks <= 0 || State != RaftRole.Follower || Lead != m.From) return;
        if (!Log.MatchTerm(m.Index, m.LogTerm) || Log.Committed < m.Index) return;
        _quiesced = true;
    }

    /// <summary>A message that leaves a quiesced member quiet: the marker again (a duplicate) or an acknowledgement of the leader's heartbeat.</summary>
    private bool KeepsQuiet(Message m) =>
        m.Term == Term && (m.Type == MessageType.HeartbeatResponse && State == RaftRole.Leader || m.IsQuiesceMarker && m.From == Lead);

    /// <summary>Leaves quiescence; a leader heartbeats at once and judges its quorum afresh from here.</summary>
    private void Wake()
    {
        if (!_quiesced) return;
        _quiesced = false;
        _idleHeartbeats = 0;
        if (State != RaftRole.Leader) return;

        // The activity marks of before the quiet period say nothing about now: check-quorum starts a new period.
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        foreach (var (id, pr) in Tracker.Progress)
        {
            if (id != Id) pr.RecentActive = false;
        }

        BroadcastHeartbeat();
    }

    /// <summary>
    /// The host's node liveness says a peer this member depends on was not heard for <paramref name="silentTicks"/>
    /// ticks. A follower counts them as election ticks already elapsed: it heard nothing from the leader's node in that
    /// time, so its last contact with the leader in this group is at least that old (never more than the truth, so the
    /// leader's lease, which relies on followers refusing votes for an election timeout, still holds).
    /// </summary>
    public void Unquiesce(int silentTicks)
    {
        if (!_quiesced) return;
        Wake();
        if (State != RaftRole.Leader) _electionElapsed = Math.Max(_electionElapsed, silentTicks);
    }
}
