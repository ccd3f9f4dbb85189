// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class RestartHandler : IVerbHandler
{
    public string Verb => "restart";

    public string Usage => "restart <id>: crash and restart from the persisted log (volatile state and undelivered messages to it are lost)";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var id = args.Id(0);
        env.Messages.RemoveAll(m => m.To == id || m.From == id);
        env.Restart(id);
        env.Output.AppendLine($"{id}: restarted at {env[id].Raw.Status().HardState}");
    }
}
