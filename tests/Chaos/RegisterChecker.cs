// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Chaos;

/// <summary>The verdict on one history: linearizable, or the first key that is not (or whose search ran out of time).</summary>
public sealed record RegisterVerdict(bool Ok, bool TimedOut, string? Key, int Keys, int Operations, string Explanation)
{
    public override string ToString() => Ok
        ? $"linearizable ({Keys} keys, {Operations} operations)"
        : $"NOT linearizable on key '{Key}'{(TimedOut ? " (checker time budget exhausted: counts as a failure)" : "")}: {Explanation}";
}

/// <summary>
/// Per-key linearizability of chaos histories against <see cref="RegisterModel"/>: Wing &amp; Gong's search with
/// Lowe's memoisation (reliability.md §2). This adapter exists because tests/Checker's model counts versions
/// itself, while the product's versions are Raft log indexes. Failed operations are dropped (never applied), as
/// are indeterminate reads; indeterminate writes stay open until the end (return = +inf).
/// </summary>
public static partial class RegisterChecker
{
    public static RegisterVerdict Check(IEnumerable<ChaosOp> history, TimeSpan budgetPerKey)
    {
        var byKey = history
            .Where(op => op.Outcome != OpOutcome.Fail && !(op.Outcome == OpOutcome.Indeterminate && op.Kind == OpKind.Get))
            .GroupBy(op => op.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToArray();
        var total = byKey.Sum(g => g.Count());
        var results = new RegisterVerdict?[byKey.Length];

        // Keys are independent (Herlihy-Wing locality); two workers match the two cores.
        Parallel.For(0, byKey.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var ops = byKey[i].ToArray();
            var search = new Search(ops);
            var clock = Stopwatch.StartNew();
            var outcome = search.Run(() => clock.Elapsed > budgetPerKey);
            results[i] = outcome == Outcome.Linearizable
                ? null
                : new RegisterVerdict(false, outcome == Outcome.TimedOut, byKey[i].Key, byKey.Length, total, search.Explain(outcome == Outcome.TimedOut));
        });

        return results.FirstOrDefault(r => r is not null) ?? new RegisterVerdict(true, false, null, byKey.Length, total, "");
    }

    private enum Outcome
    {
        Linearizable,
        NotLinearizable,
        TimedOut,
    }
}
