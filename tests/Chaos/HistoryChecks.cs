// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>
/// Checks that name an anomaly directly, next to the linearizability search: duplicates (one unique value
/// applied under two versions, or two values under one version), phantoms (a value read that nobody wrote) and
/// lost acknowledged writes (the last acknowledged write of a key, after which nothing else wrote it, is not
/// what the final read after healing returns). Local-mode reads, exempt from linearizability, must still return
/// a value some write could have put there: one not refused, and called before the read returned.
/// </summary>
public static class HistoryChecks
{
    public static IReadOnlyList<string> Anomalies(IReadOnlyList<ChaosOp> history, IReadOnlyList<ChaosOp> finalReads)
    {
        var problems = new List<string>();
        foreach (var ops in history.Concat(finalReads).GroupBy(op => op.Key, StringComparer.Ordinal))
        {
            var written = ops.Where(o => o.Kind is OpKind.Put or OpKind.Cas).Select(o => o.Value!).ToHashSet(StringComparer.Ordinal);
            var seen = ops.Where(o => o.Outcome == OpOutcome.Ok && (o.Kind is OpKind.Put || (o.Kind is OpKind.Cas or OpKind.Get && o.Found)))
                .Select(o => (Value: o.Kind == OpKind.Get ? o.ReadValue! : o.Value!, o.Version, Op: o)).ToArray();
            foreach (var read in seen.Where(s => !written.Contains(s.Value)))
                problems.Add($"phantom: {read.Op} returned a value no client wrote");
            foreach (var group in seen.GroupBy(s => s.Value, StringComparer.Ordinal).Where(g => g.Select(s => s.Version).Distinct().Count() > 1))
                problems.Add($"duplicate: value '{group.Key}' of key {ops.Key} seen with versions {string.Join(", ", group.Select(s => s.Version).Distinct())}");
            foreach (var group in seen.GroupBy(s => s.Version).Where(g => g.Select(s => s.Value).Distinct(StringComparer.Ordinal).Count() > 1))
                problems.Add($"version reuse: version {group.Key} of key {ops.Key} carries values {string.Join(", ", group.Select(s => s.Value).Distinct())}");
            problems.AddRange(LocalReads([.. ops]));
            problems.AddRange(LostAck(ops.Key, [.. ops.Where(o => o.Client >= 0)], finalReads.FirstOrDefault(f => f.Key == ops.Key)));
        }

        return problems;
    }

    private static IEnumerable<string> LocalReads(ChaosOp[] ops)
    {
        var writes = ops.Where(o => o.Kind is OpKind.Put or OpKind.Cas).ToDictionary(o => o.Value!, StringComparer.Ordinal);
        foreach (var read in ops.Where(o => o is { Kind: OpKind.Get, Mode: ReadMode.Local, Outcome: OpOutcome.Ok, Found: true }))
        {
            if (!writes.TryGetValue(read.ReadValue!, out var write)) continue; // a phantom, reported above
            if (write.Outcome == OpOutcome.Fail || (write is { Kind: OpKind.Cas, Outcome: OpOutcome.Ok, Found: false }))
                yield return $"local read of a value never applied: {read} returned the value of {write}";
            else if (write.Call > read.Return)
                yield return $"local read from the future: {read} returned the value of {write}, called after the read returned";
        }
    }

    private static IEnumerable<string> LostAck(string key, ChaosOp[] ops, ChaosOp? final)
    {
        if (final is null || final.Outcome != OpOutcome.Ok) yield break;
        var writes = ops.Where(o => o.Outcome != OpOutcome.Fail && o.Kind is OpKind.Put or OpKind.Delete or OpKind.Cas
            && !(o.Kind == OpKind.Cas && o.Outcome == OpOutcome.Ok && !o.Found)).ToArray();
        foreach (var w in writes.Where(w => w.Outcome == OpOutcome.Ok))
        {
            // w is certainly the last write: every other write was acknowledged before w was even called.
            if (!writes.All(o => ReferenceEquals(o, w) || (o.Outcome == OpOutcome.Ok && o.Return < w.Call))) continue;
            var expected = w.Kind == OpKind.Delete ? null : w.Value;
            var actual = final.Found ? final.ReadValue : null;
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
                yield return $"lost acknowledged write on {key}: last write {w}, final read after healing {final}";
        }
    }
}
