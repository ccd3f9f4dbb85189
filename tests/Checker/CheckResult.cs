// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Checker;

/// <summary>The verdict for a whole history: the first key that failed, and why.</summary>
public sealed record CheckResult
{
    public required bool IsLinearizable { get; init; }

    /// <summary>True when the search ran out of its time budget; this counts as a failure (never a pass).</summary>
    public bool TimedOut { get; init; }

    /// <summary>The key whose sub-history failed, if any.</summary>
    public string? Key { get; init; }

    public int KeysChecked { get; init; }

    public int OperationsChecked { get; init; }

    /// <summary>A short human-readable account: the longest partial linearization and the operation that could not be placed.</summary>
    public string Explanation { get; init; } = "";

    public override string ToString() => IsLinearizable
        ? $"linearizable ({KeysChecked} keys, {OperationsChecked} operations)"
        : $"NOT linearizable on key '{Key}'{(TimedOut ? " (time budget exhausted)" : "")}: {Explanation}";
}
