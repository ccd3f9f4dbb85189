// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Simulation;

/// <summary>
/// Heavy simulation tests share one xunit collection so they run one after another: each already uses the
/// machine's two cores through its own bounded worker pool.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SimulationCollection
{
    public const string Name = "simulation";
}
