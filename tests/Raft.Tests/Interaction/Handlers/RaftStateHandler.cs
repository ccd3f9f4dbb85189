// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class RaftStateHandler : IVerbHandler
{
    public string Verb => "raft-state";

    public string Usage => "raft-state: one line per node: role, term, leader, commit and applied";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        foreach (var node in env.Nodes.Values)
        {
            var st = node.Raw.Status();
            env.Output.AppendLine($"{st.Id}: {st.SoftState.Role} term={st.HardState.Term} lead={st.SoftState.Leader} commit={st.HardState.Commit} applied={st.Applied} last={st.LastIndex}");
        }
    }
}
