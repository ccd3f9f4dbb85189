// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Raft.Tests.Interaction;

namespace RaftCache.Raft.Tests.Paper;

/// <summary>Shortcuts for unit tests: bootstrapped groups, elected leaders, message helpers.</summary>
internal static class Clusters
{
    public static InteractionEnv Bootstrapped(int nodes, InteractionEnv.NodeOptions? options = null)
    {
        var env = new InteractionEnv();
        var ids = Enumerable.Range(1, nodes).Select(i => (ulong)i).ToList();
        foreach (var id in ids) env.AddNode(id, options ?? new InteractionEnv.NodeOptions(), ids);
        env.Stabilize();
        return env;
    }

    /// <summary>A group where <paramref name="leader"/> won an election and committed its no-op everywhere.</summary>
    public static InteractionEnv Elected(int nodes, ulong leader = 1, InteractionEnv.NodeOptions? options = null)
    {
        var env = Bootstrapped(nodes, options);
        env[leader].Raw.Campaign();
        env.Stabilize();
        Assert.Equal(RaftRole.Leader, env[leader].Raw.Status().SoftState.Role);
        return env;
    }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static RaftStatus Status(this InteractionEnv env, ulong id) => env[id].Raw.Status();

    /// <summary>Takes one Ready without persisting anything (the test inspects it and decides).</summary>
    public static Ready Take(this InteractionEnv env, ulong id) => env[id].Raw.TakeReady();

    /// <summary>A standalone node over a fresh MemoryRaftLog.</summary>
    public static (RawNode Node, MemoryRaftLog Log) Single(ulong id, IReadOnlyList<ulong> voters, PlantedBugs bugs = PlantedBugs.None, bool preVote = false)
    {
        var log = new MemoryRaftLog();
        var node = new RawNode(new RaftConfig { Id = id, Log = log, Random = new SplitMix64(id), PlantedBugs = bugs, PreVote = preVote });
        node.Bootstrap(voters);
        Persist(node, log);
        return (node, log);
    }

    /// <summary>Processes every Ready of a standalone node (messages are discarded).</summary>
    public static List<Ready> Persist(RawNode node, MemoryRaftLog log)
    {
        var readies = new List<Ready>();
        for (var i = 0; i < 100 && node.HasReady(); i++)
        {
            var rd = node.TakeReady();
            if (rd.Snapshot is { } s) log.ApplySnapshot(s);
            log.Append(rd.Entries);
            if (rd.HardState is { } hs) log.SetHardState(hs);
            foreach (var e in rd.CommittedEntries)
            {
                if (e.Type == EntryType.ConfChange) node.ApplyConfChange(ConfChangeCodec.Decode(e.Data.Span));
            }

            node.Advance(rd);
            readies.Add(rd);
        }

        return readies;
    }
}
