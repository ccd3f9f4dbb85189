// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class ProcessReadyHandler : IVerbHandler
{
    public string Verb => "process-ready";

    public string Usage => "process-ready <id>...: each node persists, sends and applies its Ready, then advances";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        foreach (var id in args.Ids)
        {
            if (!env.ProcessReady(id)) env.Output.AppendLine($"> {id}: no Ready");
        }
    }
}
