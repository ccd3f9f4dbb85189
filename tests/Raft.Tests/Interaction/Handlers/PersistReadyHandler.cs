// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class PersistReadyHandler : IVerbHandler
{
    public string Verb => "persist-ready";

    public string Usage => "persist-ready <id>...: completes the write of each node's held Ready, then sends its acknowledgements, applies and advances";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        foreach (var id in args.Ids)
        {
            env.PersistReady(id);
            env.Output.AppendLine($"> {id} persisted its Ready");
        }
    }
}
