// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>A digest of a replica's replicated state; equal on replicas that applied the same log (docs/state-machine.md).</summary>
public readonly record struct StateHash(ulong Value)
{
    public override string ToString() => Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
