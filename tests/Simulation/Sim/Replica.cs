// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>One node's member of one group: its core, its log view, its state machine and what the host last saw.</summary>
public sealed class Replica
{
    public required ulong Group { get; init; }
    public required RawNode Raw { get; init; }
    public required MemoryRaftLog Log { get; init; }
    public KvStateMachine Sm { get; } = new();

    /// <summary>The configuration as of the applied index (what the core uses), and the one before the last change.</summary>
    public ConfState Conf { get; set; } = ConfState.Empty;
    public ConfState PrevConf { get; set; } = ConfState.Empty;

    public RaftRole Role { get; set; }
    public ulong Lead { get; set; }
    public ulong Term { get; set; }
    public ulong Commit { get; set; }

    /// <summary>Confirmed reads waiting for the state machine to reach their index.</summary>
    public List<ReadState> PendingReads { get; } = [];
}

/// <summary>Work waiting in a node's inbox: peer messages and client requests, handled in arrival order.</summary>
public abstract record InboxItem(ulong Group);

public sealed record MessageItem(ulong Group, Message Message) : InboxItem(Group);

public sealed record ProposeItem(ulong Group, KvCommand Command, long OpId) : InboxItem(Group);

public sealed record ReadItem(ulong Group, ulong RequestId, string Key, long OpId) : InboxItem(Group);
