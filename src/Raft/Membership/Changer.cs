// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// Computes the configuration that results from a <see cref="ConfChange"/> (etcd confchange.Changer),
/// on copies: the tracker is untouched until the caller switches to the result. Errors are returned,
/// not thrown, so the leader can reject an invalid proposal before it enters the log.
/// </summary>
internal sealed class Changer
{
    private readonly ProgressTracker _tracker;
    private readonly ulong _lastIndex;
    private readonly ulong _session;

    /// <param name="tracker">Current configuration and progress.</param>
    /// <param name="lastIndex">The leader's last index: new peers are probed from there.</param>
    /// <param name="session">Replication session stamped on peers this change (re)adds (pitfall 9).</param>
    public Changer(ProgressTracker tracker, ulong lastIndex, ulong session)
    {
        _tracker = tracker;
        _lastIndex = lastIndex;
        _session = session;
    }

    public readonly record struct Result(TrackerConfig Config, SortedDictionary<ulong, Progress> Progress, string? Error);

    /// <summary>Applies <paramref name="change"/> the way every replica does when it applies the entry.</summary>
    public Result Apply(ConfChange change)
    {
        if (_tracker.Config.Voters.Incoming.Count == 0 && !_tracker.Config.Voters.IsJoint && !change.IsLeaveJoint)
            return Bootstrap(change);
        if (change.IsLeaveJoint) return LeaveJoint();
        if (ChangesNothing(change)) return new Result(_tracker.Config, _tracker.Progress, null);
        if (EntersJoint(change, out var autoLeave)) return EnterJoint(autoLeave, change.Changes);
        return Simple(change.Changes);
    }

    /// <summary>
    /// A change that leaves the membership as it is (e.g. the bootstrap entry re-applied after a restart)
    /// is a no-op; it must not enter a joint configuration for nothing.
    /// </summary>
    private bool ChangesNothing(ConfChange change)
    {
        var (cfg, prs) = Copy();
        return ApplyAll(cfg, prs, change.Changes) is null && cfg.ToConfState().Equals(_tracker.Config.ToConfState());
    }

    /// <summary>etcd ConfChangeV2.EnterJoint: explicit joint transitions, or Auto with more than one change.</summary>
    public static bool EntersJoint(ConfChange change, out bool autoLeave)
    {
        autoLeave = change.Transition != ConfChangeTransition.JointExplicit;
        return change.Transition != ConfChangeTransition.Auto || change.Changes.Length > 1;
    }

    /// <summary>The first configuration (from an empty one): every change applies directly, as in Bootstrap.</summary>
    private Result Bootstrap(ConfChange change)
    {
        var (cfg, prs) = Copy();
        var error = ApplyAll(cfg, prs, change.Changes);
        return Check(cfg, prs, error);
    }

    public Result EnterJoint(bool autoLeave, IEnumerable<ConfChangeSingle> changes)
    {
        var (cfg, prs) = Copy();
        if (cfg.Voters.IsJoint) return Fail("configuration is already joint");
        if (cfg.Voters.Incoming.Count == 0) return Fail("cannot make a zero-voter configuration joint");
        cfg.Voters = new JointConfig(cfg.Voters.Incoming, cfg.Voters.Incoming.Clone());
        var error = ApplyAll(cfg, prs, changes);
        cfg.AutoLeave = autoLeave;
        return Check(cfg, prs, error);
    }

    public Result LeaveJoint()
    {
        var (cfg, prs) = Copy();
        if (!cfg.Voters.IsJoint) return Fail("cannot leave a non-joint configuration");
        foreach (var id in cfg.LearnersNext)
        {
            cfg.Learners.Add(id);
            prs[id] = CopyOf(prs[id], isLearner: true);
        }

        cfg.LearnersNext.Clear();
        foreach (var id in cfg.Voters.Outgoing.Ids)
        {
            if (!cfg.Voters.Incoming.Contains(id) && !cfg.Learners.Contains(id)) prs.Remove(id);
        }

        cfg.Voters = new JointConfig(cfg.Voters.Incoming, new MajorityConfig());
        cfg.AutoLeave = false;
        return Check(cfg, prs, null);
    }

    /// <summary>A non-joint change: at most one voter may be added or removed (Raft §6 single-server rule).</summary>
    public Result Simple(IEnumerable<ConfChangeSingle> changes)
    {
        var (cfg, prs) = Copy();
        if (cfg.Voters.IsJoint) return Fail("cannot apply a simple configuration change in a joint configuration");
        var error = ApplyAll(cfg, prs, changes);
        if (error is null)
        {
            var before = new HashSet<ulong>(_tracker.Config.Voters.Incoming.Ids);
            before.SymmetricExceptWith(cfg.Voters.Incoming.Ids);
            if (before.Count > 1) error = "more than one voter changed without entering a joint configuration";
        }

        return Check(cfg, prs, error);
    }

    private static Result Fail(string error) => new(new TrackerConfig(), [], error);

    private (TrackerConfig, SortedDictionary<ulong, Progress>) Copy()
    {
        // Progress objects are shared on purpose: a change that keeps a peer keeps its replication state.
        return (_tracker.Config.Clone(), new SortedDictionary<ulong, Progress>(_tracker.Progress));
    }

    private string? ApplyAll(TrackerConfig cfg, SortedDictionary<ulong, Progress> prs, IEnumerable<ConfChangeSingle> changes)
    {
        foreach (var cc in changes)
        {
            if (cc.NodeId == 0) return "node id 0 is not allowed";
            switch (cc.Type)
            {
                case ConfChangeType.AddVoter: MakeVoter(cfg, prs, cc.NodeId); break;
                case ConfChangeType.AddLearner: MakeLearner(cfg, prs, cc.NodeId); break;
                case ConfChangeType.RemoveNode: Remove(cfg, prs, cc.NodeId); break;
                default: return $"unknown change type {cc.Type}";
            }
        }

        return cfg.Voters.Incoming.Count == 0 ? "removed all voters" : null;
    }

    private void MakeVoter(TrackerConfig cfg, SortedDictionary<ulong, Progress> prs, ulong id)
    {
        if (!prs.TryGetValue(id, out var pr))
        {
            InitProgress(cfg, prs, id, isLearner: false);
            return;
        }

        // The progress object may be shared with the live tracker: replace it instead of mutating.
        prs[id] = CopyOf(pr, isLearner: false);
        cfg.Learners.Remove(id);
        cfg.LearnersNext.Remove(id);
        cfg.Voters.Incoming.Add(id);
    }

    private void MakeLearner(TrackerConfig cfg, SortedDictionary<ulong, Progress> prs, ulong id)
    {
        if (!prs.TryGetValue(id, out var pr))
        {
            InitProgress(cfg, prs, id, isLearner: true);
            return;
        }

        if (pr.IsLearner) return;
        cfg.Voters.Incoming.Remove(id);
        cfg.Learners.Remove(id);
        cfg.LearnersNext.Remove(id);

        // A voter of the outgoing half keeps voting there until the joint configuration is left.
        if (cfg.Voters.Outgoing.Contains(id))
        {
            cfg.LearnersNext.Add(id);
        }
        else
        {
            prs[id] = CopyOf(pr, isLearner: true);
            cfg.Learners.Add(id);
        }
    }

    private static void Remove(TrackerConfig cfg, SortedDictionary<ulong, Progress> prs, ulong id)
    {
        if (!prs.ContainsKey(id)) return;
        cfg.Voters.Incoming.Remove(id);
        cfg.Learners.Remove(id);
        cfg.LearnersNext.Remove(id);
        if (!cfg.Voters.Outgoing.Contains(id)) prs.Remove(id);
    }

    private void InitProgress(TrackerConfig cfg, SortedDictionary<ulong, Progress> prs, ulong id, bool isLearner)
    {
        if (isLearner) cfg.Learners.Add(id);
        else cfg.Voters.Incoming.Add(id);

        // Probe from the leader's last index (pitfall 8: never from the start of the log). A new peer counts
        // as recently active so that adding it does not immediately fail CheckQuorum.
        prs[id] = new Progress(Math.Max(_lastIndex, 1), _tracker.NewInflights(), isLearner, _session) { RecentActive = true };
    }

    /// <summary>A copy with another learner flag, in probe state; the original may still be live.</summary>
    private Progress CopyOf(Progress pr, bool isLearner)
    {
        if (pr.IsLearner == isLearner) return pr;
        return new Progress(Math.Max(pr.Match + 1, pr.Next), _tracker.NewInflights(), isLearner, pr.Session)
        {
            Match = pr.Match,
            RecentActive = pr.RecentActive,
        };
    }

    private static Result Check(TrackerConfig cfg, SortedDictionary<ulong, Progress> prs, string? error)
    {
        if (error is not null) return new Result(cfg, prs, error);
        return new Result(cfg, prs, Validate(cfg, prs));
    }

    /// <summary>Structural invariants of a configuration; null when it is sound.</summary>
    public static string? Validate(TrackerConfig cfg, SortedDictionary<ulong, Progress> prs)
    {
        foreach (var id in cfg.Voters.Ids())
        {
            if (!prs.ContainsKey(id)) return $"no progress for voter {id}";
        }

        foreach (var id in cfg.Learners)
        {
            if (!prs.TryGetValue(id, out var pr)) return $"no progress for learner {id}";
            if (cfg.Voters.Contains(id)) return $"{id} is both learner and voter";
            if (!pr.IsLearner) return $"learner {id} has voter progress";
        }

        foreach (var id in cfg.LearnersNext)
        {
            if (!prs.TryGetValue(id, out var pr)) return $"no progress for learner-next {id}";
            if (!cfg.Voters.Outgoing.Contains(id)) return $"learner-next {id} is not an outgoing voter";
            if (pr.IsLearner) return $"learner-next {id} is already marked a learner";
        }

        foreach (var (id, pr) in prs)
        {
            if (!cfg.Voters.Contains(id) && !cfg.Learners.Contains(id)) return $"progress for {id}, which is not a member";
            if (cfg.Voters.Contains(id) && pr.IsLearner) return $"voter {id} has learner progress";
        }

        if (!cfg.Voters.IsJoint && (cfg.LearnersNext.Count > 0 || cfg.AutoLeave)) return "learners-next or auto-leave set outside a joint configuration";
        return null;
    }
}
