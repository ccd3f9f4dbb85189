// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class StatusHandler : IVerbHandler
{
    public string Verb => "status";

    public string Usage => "status [<id>...]: role, hard state, configuration and (on a leader) per-peer progress";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var ids = args.Positional.Count == 0 ? env.Nodes.Keys.ToList() : args.Ids.ToList();
        foreach (var id in ids)
        {
            foreach (var line in ReadyFormatter.Status(env[id].Raw.Status())) env.Output.AppendLine(line);
        }
    }
}
