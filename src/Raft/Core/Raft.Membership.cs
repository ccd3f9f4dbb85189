// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class Raft
{
    /// <summary>Rebuilds the tracker from a ConfState (startup, snapshot install).</summary>
    private void RestoreConfig(ConfState cs, ulong session)
    {
        var cfg = new TrackerConfig(
            new JointConfig(new MajorityConfig(cs.Voters), new MajorityConfig(cs.VotersOutgoing)),
            new SortedSet<ulong>(cs.Learners),
            new SortedSet<ulong>(cs.LearnersNext),
            cs.AutoLeave);
        Tracker = new ProgressTracker(_config.MaxInflightMessages, _config.MaxInflightBytes);
        var prs = new SortedDictionary<ulong, Progress>();
        var next = Math.Max(Log.LastIndex, 1);
        foreach (var id in cfg.Voters.Ids()) prs[id] = new Progress(next, Tracker.NewInflights(), false, session) { RecentActive = true };
        foreach (var id in cfg.Learners) prs[id] = new Progress(next, Tracker.NewInflights(), true, session) { RecentActive = true };
        var error = Changer.Validate(cfg, prs);
        if (error is not null) throw new RaftInvariantException($"{Who}: invalid configuration {cs}: {error}");
        SwitchToConfig(cfg, prs);
    }

    /// <summary>
    /// Applies a committed configuration change. Every replica applies the same entries to the same
    /// configuration, so an invalid change (only possible with a planted bug) is ignored identically everywhere.
    /// </summary>
    public ConfState ApplyConfChange(ConfChange change, ulong session)
    {
        // A leader's new configuration may hold a member to catch up; a follower stays quiet (its leader would not wake).
        if (State == RaftRole.Leader) Wake();
        var result = new Changer(Tracker, Log.LastIndex, session).Apply(change);
        if (result.Error is not null)
        {
            _logger.Warn($"{Who} ignored configuration change {ConfChangeCodec.Describe(change)}: {result.Error}");
            return Tracker.ConfState;
        }

        return SwitchToConfig(result.Config, result.Progress);
    }

    private ConfState SwitchToConfig(TrackerConfig cfg, SortedDictionary<ulong, Progress> prs)
    {
        Tracker.Config = cfg;
        Tracker.Progress = prs;
        var cs = cfg.ToConfState();
        var self = Tracker.Get(Id);
        IsLearner = self is { IsLearner: true };
        if ((self is null || IsLearner) && State == RaftRole.Leader)
        {
            // Pitfall 8: a leader removed (or demoted) by an applied change steps down, so the remaining
            // members elect a leader among themselves.
            if (_config.StepDownOnRemoval)
            {
                _logger.Info($"{Who} steps down: removed from the configuration {cs}");
                BecomeFollower(Term, 0);
            }

            return cs;
        }

        if (State != RaftRole.Leader || cs.Voters.IsEmpty) return cs;

        // The quorum may have changed: commit may advance, and new peers need their first probe.
        if (MaybeCommit())
        {
            ReleasePendingReadIndexMessages();
            BroadcastAppend();
        }
        else
        {
            foreach (var id in Tracker.Progress.Keys)
            {
                if (id != Id) MaybeSendAppend(id, sendIfEmpty: false);
            }
        }

        if (LeadTransferee != 0 && !Tracker.Config.Voters.Contains(LeadTransferee)) AbortLeaderTransfer();
        return cs;
    }

    /// <summary>
    /// Leader-side checks before a configuration change enters the log (pitfalls 6, 7): an entry of this
    /// term is committed first (Ongaro's fix for single-server changes), one change is pending at a time,
    /// joint configurations are left before anything else, and the change must be valid against the
    /// current configuration (which, with nothing pending, is also the latest in the log).
    /// </summary>
    private string? CheckConfChange(ConfChange change, ulong index)
    {
        var alreadyPending = PendingConfIndex > Log.Applied && !Planted(PlantedBugs.ConfChangeWhilePending);
        if (alreadyPending) return $"configuration change {PendingConfIndex} is not applied yet (applied {Log.Applied})";
        if (!CommittedEntryInCurrentTerm) return $"no entry of term {Term} is committed yet";
        var joint = Tracker.Config.Voters.IsJoint;
        if (joint && !change.IsLeaveJoint) return "must leave the joint configuration first";
        if (!joint && change.IsLeaveJoint) return "not in a joint configuration";
        return new Changer(Tracker, Log.LastIndex, index).Apply(change).Error;
    }

    /// <summary>With AutoLeave, the leader proposes leaving the joint configuration once it is applied (thesis §4.3).</summary>
    public void MaybeAutoLeave()
    {
        if (State != RaftRole.Leader || !Tracker.Config.AutoLeave || Log.Applied < PendingConfIndex) return;
        var leave = new ConfChange();
        var result = ProposeAsLeader([new Entry(0, 0, EntryType.ConfChange, ConfChangeCodec.Encode(leave))]);
        _logger.Info($"{Who} initiating automatic transition out of joint configuration {Tracker.Config}: {result.Outcome}");
    }
}
