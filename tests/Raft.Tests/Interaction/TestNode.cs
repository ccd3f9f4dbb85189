// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction;

/// <summary>One member of an <see cref="InteractionEnv"/>: its core, its persisted log and what it applied.</summary>
internal sealed class TestNode(ulong id, MemoryRaftLog log, InteractionEnv.NodeOptions options)
{
    public ulong Id { get; } = id;

    public MemoryRaftLog Log { get; } = log;

    public InteractionEnv.NodeOptions Options { get; } = options;

    public RawNode Raw { get; private set; } = null!;

    /// <summary>Entries applied to the (imaginary) state machine, in order.</summary>
    public List<Entry> Applied { get; } = [];

    public ulong AppliedIndex { get; set; }

    public List<ReadState> ReadStates { get; } = [];

    /// <summary>A Ready taken but not yet persisted (its write is in flight).</summary>
    public Ready? Held { get; set; }

    /// <summary>The initial voters this node was bootstrapped with, or null for a node that joins later.</summary>
    public IReadOnlyList<ulong>? BootstrapVoters { get; set; }

    public void Start(RaftConfig config) => Raw = new RawNode(config);
}
