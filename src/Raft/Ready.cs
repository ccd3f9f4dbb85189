// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// The work the core hands to its host, taken with <see cref="RawNode.TakeReady"/> and acknowledged with
/// <see cref="RawNode.Advance"/>. The host must do it in this order:
/// <list type="number">
/// <item>Send <see cref="Messages"/> at once: they are safe before persistence (the leader's own appends
/// overlap its fsync, Raft thesis §10.2.1).</item>
/// <item>Persist <see cref="Snapshot"/> (if any), then <see cref="Entries"/>, then <see cref="HardState"/>,
/// and make them durable (fsync) when <see cref="MustSync"/> is set. Entries may overwrite a suffix of the
/// log: everything from the first entry's index on is replaced.</item>
/// <item>Only after that fsync: send <see cref="MessagesAfterPersist"/> (votes, append acknowledgements)
/// and acknowledge any client whose write is covered by it.</item>
/// <item>Apply <see cref="CommittedEntries"/> in order (they may be applied before or after the fsync: a
/// committed entry is already on a majority's disk), and answer <see cref="ReadStates"/> once the applied
/// index reaches each read's index.</item>
/// <item>Call <see cref="RawNode.Advance"/> with this Ready.</item>
/// </list>
/// </summary>
public sealed class Ready
{
    /// <summary>Set when leader or role changed since the last Ready.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>Set when term, vote or commit changed: persist before <see cref="MessagesAfterPersist"/>.</summary>
    public HardState? HardState { get; init; }

    /// <summary>Entries to append to stable storage.</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>A snapshot to install: persist it, replace the state machine, discard the covered log.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Messages that may be sent before persistence.</summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>Messages that must wait until <see cref="HardState"/> and <see cref="Entries"/> are durable.</summary>
    public IReadOnlyList<Message> MessagesAfterPersist { get; init; } = [];

    /// <summary>Entries known to be committed, to apply in order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];

    /// <summary>Linearizable reads that may be served once applied ≥ their index.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    /// <summary>True when the host must fsync before sending <see cref="MessagesAfterPersist"/>.</summary>
    public bool MustSync { get; init; }

    /// <summary>Responses the node sends itself (its own vote); stepped by <see cref="RawNode.Advance"/>, after persistence.</summary>
    internal IReadOnlyList<Message> SelfMessages { get; init; } = [];

    /// <summary>True when there is nothing to do; a Ready that is not empty must be acknowledged with <see cref="RawNode.Advance"/>.</summary>
    public bool IsEmpty =>
        SoftState is null && HardState is null && Entries.Count == 0 && Snapshot is null
        && Messages.Count == 0 && MessagesAfterPersist.Count == 0 && CommittedEntries.Count == 0
        && ReadStates.Count == 0 && SelfMessages.Count == 0;
}

/// <summary>A confirmed read: the state at <see cref="Index"/> or later is linearizable for request <see cref="RequestId"/>.</summary>
public readonly record struct ReadState(ulong RequestId, ulong Index);
