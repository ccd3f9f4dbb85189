// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Checker;

/// <summary>
/// Per-key linearizability checker for <see cref="KvModel"/>: Wing &amp; Gong's search with Lowe's
/// memoisation, the algorithm of Porcupine (see ../shared/research/reliability.md §2). Each key is
/// checked on its own; the first failing key (in ordinal order) is reported.
/// </summary>
public static partial class LinearizabilityChecker
{
    /// <summary>Default time budget per key; exhausting it is reported as a failure, never as a pass.</summary>
    public static readonly TimeSpan DefaultBudgetPerKey = TimeSpan.FromSeconds(20);

    public static CheckResult Check(IEnumerable<KvOperation> operations, TimeSpan? budgetPerKey = null)
    {
        var budget = budgetPerKey ?? DefaultBudgetPerKey;
        var byKey = KvHistory.ByKey(operations);
        var total = 0;
        foreach (var (key, ops) in byKey)
        {
            total += ops.Count;
            var result = CheckKey(ops, budget);
            if (!result.IsLinearizable) return result with { Key = key, KeysChecked = byKey.Count, OperationsChecked = total };
        }

        return new CheckResult { IsLinearizable = true, KeysChecked = byKey.Count, OperationsChecked = total };
    }

    /// <summary>Checks the operations of one key (all must name the same key).</summary>
    public static CheckResult CheckKey(IReadOnlyList<KvOperation> ops, TimeSpan budget) =>
        CheckKey(ops, KvSpec.Instance, budget) with { Key = ops.Count > 0 ? ops[0].Key : null };

    /// <summary>Checks one key's operations against any sequential specification (the chaos tests' register, for one).</summary>
    public static CheckResult CheckKey<TOp, TState>(IReadOnlyList<TOp> ops, ISequentialSpec<TOp, TState> spec, TimeSpan budget)
    {
        if (ops.Count == 0) return new CheckResult { IsLinearizable = true };
        var search = new Search<TOp, TState>(ops, spec);
        var clock = Stopwatch.StartNew();
        var verdict = search.Run(() => clock.Elapsed > budget);
        return new CheckResult
        {
            IsLinearizable = verdict == Verdict.Linearizable,
            TimedOut = verdict == Verdict.TimedOut,
            KeysChecked = 1,
            OperationsChecked = ops.Count,
            Explanation = verdict == Verdict.Linearizable ? "" : search.Explain(verdict == Verdict.TimedOut),
        };
    }

    private enum Verdict
    {
        Linearizable,
        NotLinearizable,
        TimedOut,
    }
}
