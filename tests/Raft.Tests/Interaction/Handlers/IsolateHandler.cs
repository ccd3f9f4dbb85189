// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class IsolateHandler : IVerbHandler
{
    public string Verb => "isolate";

    public string Usage => "isolate <id>...: partitions the nodes from the rest; messages across the cut are dropped on delivery";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        foreach (var id in args.Ids) env.Isolate(id);
    }
}
