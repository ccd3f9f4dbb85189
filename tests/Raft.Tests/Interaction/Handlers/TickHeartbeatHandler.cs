// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class TickHeartbeatHandler : IVerbHandler
{
    public string Verb => "tick-heartbeat";

    public string Usage => "tick-heartbeat <id>...: ticks each node through one heartbeat interval";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        foreach (var id in args.Ids) env.Tick(id, env[id].Options.HeartbeatTicks);
    }
}
