// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class TickElectionHandler : IVerbHandler
{
    public string Verb => "tick-election";

    public string Usage => "tick-election <id>...: ticks each node until it has something to do (e.g. it campaigns), at most a full randomized election timeout (2 × ElectionTicks)";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        foreach (var id in args.Ids)
        {
            var node = env[id];
            for (var i = 0; i < 2 * node.Options.ElectionTicks && !node.Raw.HasReady(); i++) node.Raw.Tick();
        }
    }
}
