// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Raft.Tests.Interaction;

/// <summary>
/// A whole group in one process, driven step by step (etcd rafttest.InteractionEnv): nodes with in-memory
/// logs, a message queue the script delivers explicitly, and a text trace of everything that happened.
/// Also used directly by unit tests that need a cluster.
/// </summary>
internal sealed partial class InteractionEnv
{
    private readonly SortedDictionary<ulong, TestNode> _nodes = [];
    private readonly HashSet<ulong> _isolated = [];

    public InteractionEnv(ulong seed = 1) => Seed = seed;

    public ulong Seed { get; }

    public StringBuilder Output { get; } = new();

    /// <summary>Network messages not yet delivered, in send order.</summary>
    public List<Message> Messages { get; } = [];

    public bool LogRaft { get; set; }

    /// <summary>Set by <c>log-level none</c>: commands print nothing but errors.</summary>
    public bool Quiet { get; set; }

    public IReadOnlyDictionary<ulong, TestNode> Nodes => _nodes;

    public TestNode this[ulong id] => _nodes.TryGetValue(id, out var n) ? n : throw new ArgumentException($"no node {id}");

    /// <summary>The per-node options every new node gets (scripts change them with add-nodes arguments).</summary>
    public sealed record NodeOptions
    {
        public bool PreVote { get; init; } = true;
        public bool CheckQuorum { get; init; } = true;
        public int ElectionTicks { get; init; } = 10;
        public int HeartbeatTicks { get; init; } = 1;
        public ReadOnlyOption ReadOnly { get; init; } = ReadOnlyOption.Safe;
        public bool StepDownOnRemoval { get; init; } = true;
        public long MaxMessageBytes { get; init; } = 1 << 20;
        public int MaxInflightMessages { get; init; } = 256;
        public long MaxUncommittedBytes { get; init; } = 64L << 20;
        public PlantedBugs Bugs { get; init; }
        public int QuiesceTicks { get; init; }
    }

    public TestNode AddNode(ulong id, NodeOptions options, IReadOnlyList<ulong>? bootstrapVoters)
    {
        var log = new MemoryRaftLog();
        var node = new TestNode(id, log, options);
        _nodes.Add(id, node);
        node.BootstrapVoters = bootstrapVoters;
        node.Start(CreateConfig(node, applied: 0));
        if (bootstrapVoters is not null) node.Raw.Bootstrap(bootstrapVoters);
        return node;
    }

    private RaftConfig CreateConfig(TestNode node, ulong applied) => new()
    {
        Id = node.Id,
        Log = node.Log,
        Random = new SplitMix64(Seed * 1_000_003 + node.Id),
        PreVote = node.Options.PreVote,
        CheckQuorum = node.Options.CheckQuorum,
        ElectionTicks = node.Options.ElectionTicks,
        HeartbeatTicks = node.Options.HeartbeatTicks,
        ReadOnlyOption = node.Options.ReadOnly,
        StepDownOnRemoval = node.Options.StepDownOnRemoval,
        MaxMessageBytes = node.Options.MaxMessageBytes,
        MaxInflightMessages = node.Options.MaxInflightMessages,
        MaxUncommittedBytes = node.Options.MaxUncommittedBytes,
        PlantedBugs = node.Options.Bugs,
        QuiesceTicks = node.Options.QuiesceTicks,
        Applied = applied,
        Logger = new EnvLogger(this),
    };

    /// <summary>Simulates a crash and restart: unapplied in-memory state is lost, the persisted log survives.</summary>
    public void Restart(ulong id)
    {
        var node = this[id];
        node.Held = null; // a write in flight when the node crashed is lost
        node.Applied.Clear();
        var snapshotIndex = node.Log.FirstIndex - 1;
        node.AppliedIndex = snapshotIndex;
        node.Start(CreateConfig(node, applied: snapshotIndex));

        // A crash before the first Ready was persisted loses the bootstrap: the host bootstraps again,
        // exactly as it would on a first start (its storage is still empty).
        if (node.BootstrapVoters is not null && node.Log.LastIndex == 0 && node.Log.HardState.IsEmpty) node.Raw.Bootstrap(node.BootstrapVoters);
    }

    public void Isolate(ulong id) => _isolated.Add(id);

    public void Heal() => _isolated.Clear();

    public bool IsCut(Message m) => _isolated.Contains(m.From) != _isolated.Contains(m.To);

    private sealed class EnvLogger(InteractionEnv env) : IRaftLogger
    {
        public void Info(string message)
        {
            if (env.LogRaft) env.Output.AppendLine($"INFO {message}");
        }

        public void Warn(string message)
        {
            if (env.LogRaft) env.Output.AppendLine($"WARN {message}");
        }
    }
}
