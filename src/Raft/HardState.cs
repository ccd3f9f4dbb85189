// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// The state a node must have on stable storage before it answers any message of <see cref="Term"/>
/// (Raft §5.1, Figure 2: currentTerm and votedFor; commit is saved so a restart need not relearn it).
/// </summary>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    public static readonly HardState Empty;

    public bool IsEmpty => this == Empty;

    public override string ToString() => $"term={Term} vote={Vote} commit={Commit}";
}

/// <summary>Volatile state worth reporting to the host: who leads and which role this node has.</summary>
public readonly record struct SoftState(ulong Leader, RaftRole Role);

/// <summary>The role of a node in its group.</summary>
public enum RaftRole : byte
{
    Follower = 0,
    Candidate = 1,
    Leader = 2,
    PreCandidate = 3,
}
