// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// Settings of one replica. All but <see cref="HashSeed"/> shape the replicated state, so every replica of a
/// shard must use the same values (the node reads them from cluster-wide configuration); the memory limit can
/// also be changed later through the log with <see cref="CommandKind.SetMemoryLimit"/>.
/// </summary>
public sealed record StateMachineOptions
{
    /// <summary>Initial memory limit in accounted bytes (docs/state-machine.md, "Memory accounting").</summary>
    public long MemoryLimitBytes { get; init; } = 1L << 30;

    /// <summary>A client session idle this long (by command timestamps) is dropped at the next expiry sweep.</summary>
    public long SessionTimeoutMs { get; init; } = 15 * 60 * 1000;

    /// <summary>Most client sessions kept; a new client beyond it displaces the least recently active one.</summary>
    public int MaxSessions { get; init; } = 65_536;

    /// <summary>Most unacknowledged results kept per client; beyond it the oldest is discarded.</summary>
    public int MaxResultsPerSession { get; init; } = 1_024;

    /// <summary>
    /// Seed of the in-memory hash table only (not replicated, not in snapshots or state hashes): a node should pass
    /// a random value so that users cannot craft keys that collide. Nothing observable depends on it.
    /// </summary>
    public ulong HashSeed { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MemoryLimitBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SessionTimeoutMs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxSessions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxResultsPerSession);
    }
}
