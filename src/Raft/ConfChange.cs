// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;

namespace RaftCache.Raft;

/// <summary>One membership operation. Persisted: values are explicit and only ever appended.</summary>
public enum ConfChangeType : byte
{
    AddVoter = 0,
    RemoveNode = 1,
    AddLearner = 2,
}

/// <summary>How a change with more than one operation is carried out.</summary>
public enum ConfChangeTransition : byte
{
    /// <summary>Joint consensus when needed (more than one voter changes), left automatically by the leader.</summary>
    Auto = 0,

    /// <summary>Always joint, left automatically once the joint configuration is applied.</summary>
    JointImplicit = 1,

    /// <summary>Always joint; the application leaves it by proposing an empty change.</summary>
    JointExplicit = 2,
}

public readonly record struct ConfChangeSingle(ConfChangeType Type, ulong NodeId);

/// <summary>
/// A membership change (etcd's ConfChangeV2). An empty <see cref="Changes"/> list means "leave the
/// joint configuration". <see cref="Context"/> is opaque to Raft (e.g. the new member's address).
/// </summary>
public sealed record ConfChange
{
    public ConfChangeTransition Transition { get; init; }

    public ImmutableArray<ConfChangeSingle> Changes { get; init; } = [];

    public ReadOnlyMemory<byte> Context { get; init; }

    public bool IsLeaveJoint => Changes.IsEmpty;
}
