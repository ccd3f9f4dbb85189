// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class ReadIndexHandler : IVerbHandler
{
    public string Verb => "read-index";

    public string Usage => "read-index <id> <request-id>: requests a linearizable read; the answer shows up as a ReadState in a Ready";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var id = args.Id(0);
        env.Output.AppendLine(ProposeText.Describe(id, env[id].Raw.ReadIndex(ulong.Parse(args.Positional[1]))));
    }
}
