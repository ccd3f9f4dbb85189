// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>The verdict on one history: linearizable, or the first key that is not (or whose search ran out of time).</summary>
public sealed record RegisterVerdict(bool Ok, bool TimedOut, string? Key, int Keys, int Operations, string Explanation)
{
    public override string ToString() => Ok
        ? $"linearizable ({Keys} keys, {Operations} operations)"
        : $"NOT linearizable on key '{Key}'{(TimedOut ? " (checker time budget exhausted: counts as a failure)" : "")}: {Explanation}";
}

/// <summary>
/// Per-key linearizability of chaos histories: tests/Checker's search (Wing &amp; Gong with Lowe's memoisation,
/// reliability.md §2) against <see cref="RegisterModel"/>, whose versions are the product's Raft log indexes.
/// Failed operations are dropped (never applied), as are indeterminate reads and local-mode reads (promised only
/// "some written value", checked by <see cref="HistoryChecks"/>); indeterminate writes stay open until the end
/// (return = +inf). Lease reads are checked like linearizable ones.
/// </summary>
public static class RegisterChecker
{
    public static RegisterVerdict Check(IEnumerable<ChaosOp> history, TimeSpan budgetPerKey)
    {
        var byKey = history
            .Where(op => op.Outcome != OpOutcome.Fail && !(op.Kind == OpKind.Get && (op.Outcome == OpOutcome.Indeterminate || op.Mode == ReadMode.Local)))
            .GroupBy(op => op.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToArray();
        var total = byKey.Sum(g => g.Count());
        var results = new RegisterVerdict?[byKey.Length];

        // Keys are independent (Herlihy-Wing locality); two workers match the two cores.
        Parallel.For(0, byKey.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var result = RaftCache.Checker.LinearizabilityChecker.CheckKey(byKey[i].ToArray(), RegisterModel.Instance, budgetPerKey);
            results[i] = result.IsLinearizable
                ? null
                : new RegisterVerdict(false, result.TimedOut, byKey[i].Key, byKey.Length, total, result.Explanation);
        });

        return results.FirstOrDefault(r => r is not null) ?? new RegisterVerdict(true, false, null, byKey.Length, total, "");
    }
}
