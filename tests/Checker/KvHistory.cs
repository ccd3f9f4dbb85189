// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Checker;

/// <summary>
/// Records client operations as they complete. Thread-safe so multi-threaded runners (tests/Chaos) can share
/// one; the simulation is single-threaded and pays only an uncontended lock.
/// </summary>
public sealed class KvHistory
{
    private readonly List<KvOperation> _operations = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get { lock (_lock) return _operations.Count; }
    }

    public void Add(KvOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.Outcome != KvOutcome.Indeterminate && operation.ReturnTime < operation.CallTime)
            throw new ArgumentException($"operation returns before it is called: {operation}", nameof(operation));
        lock (_lock) _operations.Add(operation);
    }

    public IReadOnlyList<KvOperation> Snapshot()
    {
        lock (_lock) return [.. _operations];
    }

    /// <summary>
    /// Groups operations by key (Herlihy–Wing locality: a history is linearizable iff every per-key
    /// sub-history is). Failed operations are dropped (they definitely did not happen), and so are
    /// indeterminate reads (they have no effect and no answer).
    /// </summary>
    public static SortedDictionary<string, List<KvOperation>> ByKey(IEnumerable<KvOperation> operations)
    {
        var byKey = new SortedDictionary<string, List<KvOperation>>(StringComparer.Ordinal);
        foreach (var op in operations)
        {
            if (op.Outcome == KvOutcome.Fail) continue;
            if (op.Outcome == KvOutcome.Indeterminate && op.Kind == KvOpKind.Get) continue;
            if (!byKey.TryGetValue(op.Key, out var list)) byKey[op.Key] = list = [];
            list.Add(op);
        }

        return byKey;
    }
}
