// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class TakeReadyHandler : IVerbHandler
{
    public string Verb => "take-ready";

    public string Usage => "take-ready <id>...: takes each node's Ready and sends its safe messages, but leaves the write in flight (see persist-ready)";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        foreach (var id in args.Ids)
        {
            if (!env.TakeReady(id)) env.Output.AppendLine($"> {id}: no Ready");
        }
    }
}
