// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Raft.Tests.Interaction;

namespace RaftCache.Raft.Tests.Paper;

/// <summary>Flow control (pitfall 20): message size, pipelining window and Ready size are bounded.</summary>
public sealed class FlowControlTests
{
    // Batching: one append carries entries up to MaxMessageBytes (and at least one).
    [Fact]
    public void Appends_are_batched_up_to_the_message_byte_limit()
    {
        var size = 100 + Entry.EntryOverheadBytes;
        var env = Clusters.Elected(3, 1, new InteractionEnv.NodeOptions { MaxMessageBytes = 3 * size });
        env.Isolate(1);
        for (var i = 0; i < 7; i++) env[1].Raw.Propose(new byte[100]);
        env.Heal();
        env.Tick(1, 1);
        env.Stabilize();
        Assert.Equal(env.Status(1).LastIndex, env.Status(2).LastIndex);
        var appends = env.Output.ToString().Split('\n').Where(l => l.Contains("->2 Append", StringComparison.Ordinal) && l.Contains("Entries:", StringComparison.Ordinal));
        Assert.All(appends, l => Assert.True(l.Split("Normal").Length - 1 <= 3, l));
    }

    // Pipelining: in replicate state at most MaxInflightMessages appends are unacknowledged.
    [Fact]
    public void Pipelining_stops_when_the_inflight_window_is_full()
    {
        var env = Clusters.Elected(3, 1, new InteractionEnv.NodeOptions { MaxInflightMessages = 2 });
        for (var i = 0; i < 5; i++)
        {
            env[1].Raw.Propose(Clusters.Bytes($"e{i}"));
            env.ProcessReady(1);
        }

        Assert.Equal(2, env.Messages.Count(m => m.To == 2 && m.Type == MessageType.Append && m.Entries.Count > 0));
        env.Stabilize();
        Assert.Equal(env.Status(1).LastIndex, env.Status(2).LastIndex);
    }

    // A Ready hands out at most MaxCommittedBytesPerReady of committed entries (at least one).
    [Fact]
    public void Committed_entries_are_handed_out_in_bounded_batches()
    {
        var log = new MemoryRaftLog();
        var node = new RawNode(new RaftConfig { Id = 1, Log = log, Random = new SplitMix64(1), MaxCommittedBytesPerReady = 250 });
        node.Bootstrap([1]);
        Clusters.Persist(node, log);
        node.Campaign();
        Clusters.Persist(node, log);
        for (var i = 0; i < 10; i++) node.Propose(new byte[100]);
        var readies = Clusters.Persist(node, log);
        var batches = readies.Where(r => r.CommittedEntries.Count > 0).Select(r => r.CommittedEntries.Count).ToList();
        Assert.Equal(10, batches.Sum());
        Assert.All(batches, n => Assert.InRange(n, 1, 2));
    }
}
