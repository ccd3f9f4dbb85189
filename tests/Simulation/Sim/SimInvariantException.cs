// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Simulation.Sim;

/// <summary>A check made outside the oracle (e.g. by a storage adapter) failed; the simulator reports it under <see cref="Invariant"/>.</summary>
public sealed class SimInvariantException(string invariant, string detail) : Exception(detail)
{
    public string Invariant { get; } = invariant;
}
