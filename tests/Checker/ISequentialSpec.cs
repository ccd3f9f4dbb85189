// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Checker;

/// <summary>
/// A sequential specification the linearizability search checks a history against: where a key starts, how one
/// operation moves it (and whether the recorded answer is possible there), and each operation's real-time
/// interval. The simulation checks against <see cref="KvSpec"/>; the chaos tests supply a register whose versions
/// are the product's log indexes.
/// </summary>
public interface ISequentialSpec<TOp, TState>
{
    TState Initial { get; }

    /// <summary>Applies <paramref name="op"/> to <paramref name="state"/>; false when its recorded answer is impossible there.</summary>
    bool Step(TState state, TOp op, out TState next);

    long CallTime(TOp op);

    /// <summary>When the answer came, or null for an operation whose fate is unknown (open until the end of the history).</summary>
    long? ReturnTime(TOp op);
}

/// <summary>The versioned key-value register of <see cref="KvModel"/> as a specification.</summary>
public sealed class KvSpec : ISequentialSpec<KvOperation, KvState>
{
    public static readonly KvSpec Instance = new();

    public KvState Initial => KvState.Initial;

    public bool Step(KvState state, KvOperation op, out KvState next) => KvModel.Step(state, op, out next);

    public long CallTime(KvOperation op) => op.CallTime;

    public long? ReturnTime(KvOperation op) => op.Outcome == KvOutcome.Indeterminate ? null : op.ReturnTime;
}
