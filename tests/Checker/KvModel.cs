// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Checker;

/// <summary>
/// The state of one key in a versioned register: a value (or absent) and a version that counts every
/// successful write of the key, deletes included, so a version is never reused (no ABA for Cas).
/// </summary>
public readonly record struct KvState(bool Exists, string? Value, long Version)
{
    public static readonly KvState Initial = new(false, null, 0);

    public override string ToString() => Exists ? $"'{Value}'@v{Version}" : $"absent@v{Version}";
}

/// <summary>The sequential specification the checker linearizes against (Jepsen's versioned register).</summary>
public static class KvModel
{
    /// <summary>
    /// Applies <paramref name="op"/> to <paramref name="state"/>. Returns false when the recorded answer is
    /// impossible in that state. Indeterminate operations have no answer to check: a write applies, a Cas or
    /// PutIfAbsent applies when its precondition holds and is a no-op otherwise.
    /// </summary>
    public static bool Step(in KvState state, KvOperation op, out KvState next)
    {
        next = state;
        var unknown = op.Outcome == KvOutcome.Indeterminate;
        switch (op.Kind)
        {
            case KvOpKind.Get:
                return unknown || (op.Found == state.Exists && op.ReadVersion == state.Version
                    && (!state.Exists || string.Equals(op.ReadValue, state.Value, StringComparison.Ordinal)));
            case KvOpKind.Put:
                next = new KvState(true, op.Value, state.Version + 1);
                return true;
            case KvOpKind.Delete:
                next = new KvState(false, null, state.Version + 1);
                return true;
            case KvOpKind.Cas:
                return Conditional(state, op, state.Exists && state.Version == op.ExpectedVersion, unknown, out next);
            case KvOpKind.PutIfAbsent:
                return Conditional(state, op, !state.Exists, unknown, out next);
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op.Kind, "unknown operation kind");
        }
    }

    private static bool Conditional(in KvState state, KvOperation op, bool holds, bool unknown, out KvState next)
    {
        next = holds ? new KvState(true, op.Value, state.Version + 1) : state;
        return unknown || op.Found == holds;
    }
}
