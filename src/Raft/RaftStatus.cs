// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>Inspection view of a member.</summary>
public sealed record RaftStatus
{
    public required ulong Id { get; init; }
    public required HardState HardState { get; init; }
    public required SoftState SoftState { get; init; }
    public required ulong Applied { get; init; }
    public required ulong LastIndex { get; init; }
    public required ConfState ConfState { get; init; }
    public ulong LeadTransferee { get; init; }

    /// <summary>The index of the last configuration change appended and not yet applied (0 if none).</summary>
    public ulong PendingConfIndex { get; init; }

    /// <summary>Per-peer replication progress, sorted by id; empty unless this member leads.</summary>
    public IReadOnlyDictionary<ulong, PeerProgress> Progress { get; init; } = new Dictionary<ulong, PeerProgress>();
}

public enum ProgressState : byte
{
    Probe = 0,
    Replicate = 1,
    Snapshot = 2,
}

public readonly record struct PeerProgress(ulong Match, ulong Next, ProgressState State, bool IsLearner, bool RecentActive);
