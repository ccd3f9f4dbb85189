// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Raft.Tests.Interaction;

namespace RaftCache.Raft.Tests;

public class SmokeTests
{
    // Raft §5.2, §5.3
    [Fact]
    public void Three_nodes_elect_a_leader_and_commit_a_proposal_on_all_members()
    {
        var env = new InteractionEnv();
        var opts = new InteractionEnv.NodeOptions();
        for (ulong id = 1; id <= 3; id++) env.AddNode(id, opts, [1, 2, 3]);
        env.Stabilize();
        env[1].Raw.Campaign();
        env.Stabilize();
        Assert.Equal(1UL, env.Leader());
        var result = env[1].Raw.Propose(Encoding.UTF8.GetBytes("hello"));
        Assert.Equal(ProposeOutcome.Accepted, result.Outcome);
        env.Stabilize();
        foreach (var node in env.Nodes.Values)
        {
            Assert.Contains(node.Applied, e => e.Index == result.Index && Encoding.UTF8.GetString(e.Data.Span) == "hello");
        }
    }
}
