// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// The global observer that checks Raft's safety properties after every step (reliability.md §3). It sees
/// every Ready, every message sent and every apply, and keeps per-group ground truth: the leader of each
/// term, the committed entries, the first content applied at each index, the chain hash of every
/// (index, term), and the votes cast. Any violation fails the run through <see cref="Simulator.Fail"/>.
/// </summary>
public sealed partial class Oracle
{
    private readonly Simulator _sim;
    private readonly SortedDictionary<ulong, GroupTruth> _groups = [];
    private readonly Dictionary<(ulong Node, ulong Group), HardState> _durable = [];

    public Oracle(Simulator sim) => _sim = sim;

    /// <summary>Which invariants ran, and how often: a run whose checks never fire proves nothing.</summary>
    public SortedDictionary<string, long> ChecksRun { get; } = new(StringComparer.Ordinal);

    public GroupTruth Group(ulong group)
    {
        if (!_groups.TryGetValue(group, out var truth)) _groups[group] = truth = new GroupTruth();
        return truth;
    }

    /// <summary>Counts a check that ran, or (from the nodes) a mechanism that was exercised.</summary>
    internal void Count(string invariant)
    {
        ChecksRun.TryGetValue(invariant, out var n);
        ChecksRun[invariant] = n + 1;
    }

    /// <summary>A check of a rule at the moment it applies; skipped when <see cref="SimOptions.RuleChecks"/> is off.</summary>
    private void RuleCheck(bool condition, string invariant, Func<string> detail)
    {
        if (_sim.Options.RuleChecks) Check(condition, invariant, detail);
    }

    private void Check(bool condition, string invariant, Func<string> detail)
    {
        Count(invariant);
        if (!condition) _sim.Fail(invariant, detail());
    }

    /// <summary>Ground truth for one group.</summary>
    public sealed class GroupTruth
    {
        public Dictionary<ulong, ulong> LeaderOfTerm { get; } = [];
        public Dictionary<ulong, ulong> CommittedTerm { get; } = [];

        /// <summary>The lowest term in which each index was seen committed (leader completeness covers later terms only).</summary>
        public Dictionary<ulong, ulong> CommittedInTerm { get; } = [];
        public ulong CommitIndex { get; set; }
        public Dictionary<ulong, (ulong Term, ulong Hash)> FirstApplied { get; } = [];
        public Dictionary<(ulong Index, ulong Term), (ulong Content, ulong Chain)> Entries { get; } = [];
        public Dictionary<(ulong Term, ulong Voter), ulong> Votes { get; } = [];
        public Dictionary<ulong, ulong> SnapshotHash { get; } = [];
    }

    private static ulong ContentHash(in Entry e) => Fnv.Hash(e.Data.Span, Fnv.Mix(Fnv.Offset, (ulong)e.Type));

    private static bool HasMajority(IReadOnlyList<ulong> voters, Func<ulong, bool> has) =>
        voters.Count == 0 || voters.Count(has) * 2 > voters.Count;

    /// <summary>Joint configurations need a majority of both halves (Raft thesis §4.3).</summary>
    private static bool HasQuorum(ConfState conf, Func<ulong, bool> has) =>
        conf.Voters.Length > 0 && HasMajority(conf.Voters, has) && HasMajority(conf.VotersOutgoing, has);
}
