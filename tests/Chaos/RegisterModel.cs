// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>
/// The sequential specification of one key as the chaos clients see it: the current value (null = absent).
/// Values are unique per write and each write gets its own version (log index), so "the version is v" is the
/// same as "the value is the one read with v": the product's versions need no counter in the model. Version
/// consistency (one version per value: no duplicate apply) is checked apart, in <see cref="HistoryChecks"/>.
/// </summary>
public sealed class RegisterModel : RaftCache.Checker.ISequentialSpec<ChaosOp, string?>
{
    public static readonly RegisterModel Instance = new();

    public string? Initial => null;

    /// <summary>Failed operations are dropped before checking; indeterminate ones stay open until the end.</summary>
    public long CallTime(ChaosOp op) => op.Call;

    public long? ReturnTime(ChaosOp op) => op.Outcome == OpOutcome.Indeterminate ? null : op.Return;

    bool RaftCache.Checker.ISequentialSpec<ChaosOp, string?>.Step(string? state, ChaosOp op, out string? next) => Step(state, op, out next);

    /// <summary>Applies <paramref name="op"/>; false when its recorded answer is impossible in <paramref name="state"/>.</summary>
    public static bool Step(string? state, ChaosOp op, out string? next)
    {
        next = state;
        var unknown = op.Outcome == OpOutcome.Indeterminate;
        switch (op.Kind)
        {
            case OpKind.Get:
                return unknown || (op.Found ? string.Equals(state, op.ReadValue, StringComparison.Ordinal) : state is null);
            case OpKind.Put:
                next = op.Value;
                return true;
            case OpKind.Delete:
                next = null;
                return true;
            case OpKind.Cas:
                var holds = state is not null && string.Equals(state, op.ExpectedValue, StringComparison.Ordinal);
                if (holds) next = op.Value;
                return unknown || op.Found == holds;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op.Kind, "unknown operation kind");
        }
    }
}
