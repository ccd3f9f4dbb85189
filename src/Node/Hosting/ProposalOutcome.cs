// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Metadata;
using RaftCache.StateMachine;

namespace RaftCache.Node.Hosting;

/// <summary>What a group's state machine answered for one applied command: a cache shard's result, or the metadata group's.</summary>
public readonly record struct CommandResult(ApplyResult? Cache, AddMemberResult? Member)
{
    /// <summary>An entry without an answer (no-op, configuration change, a command with nothing to report).</summary>
    public static CommandResult None => default;

    public static CommandResult Of(ApplyResult cache) => new(cache, null);

    public static CommandResult Of(AddMemberResult? member) => new(null, member);
}

/// <summary>What a proposer learns about its entry.</summary>
public enum ProposalStatus
{
    /// <summary>Committed and applied; <see cref="ProposalOutcome.Result"/> is the state machine's answer.</summary>
    Applied = 0,

    /// <summary>
    /// Definitely not applied: this node is not the leader (the host never forwards a proposal), it lost its replica,
    /// or another leader's entry replaced this one. Safe to route again.
    /// </summary>
    NotApplied = 1,

    /// <summary>
    /// Appended, but its fate cannot be learned here (a snapshot replaced the log past it, or the replica was deleted
    /// while it waited): it may or may not apply.
    /// </summary>
    MayHaveApplied = 2,
}

public readonly record struct ProposalOutcome(ProposalStatus Status, CommandResult Result)
{
    public static ProposalOutcome NotApplied => new(ProposalStatus.NotApplied, CommandResult.None);

    public static ProposalOutcome MayHaveApplied => new(ProposalStatus.MayHaveApplied, CommandResult.None);
}
