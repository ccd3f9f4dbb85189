// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;

namespace RaftCache.Raft;

/// <summary>
/// A group's membership: the voters (and, while in a joint configuration, the outgoing voters),
/// and the learners. All lists are sorted ascending, so iteration order is deterministic.
/// Persisted inside snapshots: an empty <see cref="VotersOutgoing"/> means "not joint".
/// </summary>
public sealed record ConfState
{
    public static readonly ConfState Empty = new();

    public ImmutableArray<ulong> Voters { get; init; } = [];

    /// <summary>The previous voter set while the group is in a joint configuration (Raft thesis §4.3); empty otherwise.</summary>
    public ImmutableArray<ulong> VotersOutgoing { get; init; } = [];

    public ImmutableArray<ulong> Learners { get; init; } = [];

    /// <summary>Voters of the outgoing configuration that become learners when the joint configuration is left.</summary>
    public ImmutableArray<ulong> LearnersNext { get; init; } = [];

    /// <summary>True when the leader leaves the joint configuration by itself once it is applied.</summary>
    public bool AutoLeave { get; init; }

    public bool IsJoint => !VotersOutgoing.IsEmpty;

    public bool Equals(ConfState? other) =>
        other is not null
        && Voters.SequenceEqual(other.Voters)
        && VotersOutgoing.SequenceEqual(other.VotersOutgoing)
        && Learners.SequenceEqual(other.Learners)
        && LearnersNext.SequenceEqual(other.LearnersNext)
        && AutoLeave == other.AutoLeave;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var id in Voters) hash.Add(id);
        hash.Add(-1);
        foreach (var id in VotersOutgoing) hash.Add(id);
        hash.Add(-2);
        foreach (var id in Learners) hash.Add(id);
        hash.Add(-3);
        foreach (var id in LearnersNext) hash.Add(id);
        hash.Add(AutoLeave);
        return hash.ToHashCode();
    }

    public override string ToString()
    {
        var text = $"voters=({string.Join(' ', Voters)})";
        if (IsJoint) text += $"&&({string.Join(' ', VotersOutgoing)})";
        if (!Learners.IsEmpty) text += $" learners=({string.Join(' ', Learners)})";
        if (!LearnersNext.IsEmpty) text += $" learners_next=({string.Join(' ', LearnersNext)})";
        if (AutoLeave) text += " autoleave";
        return text;
    }
}
