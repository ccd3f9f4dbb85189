// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class TickHandler : IVerbHandler
{
    public string Verb => "tick";

    public string Usage => "tick <id> <count>: ticks one node count times";

    public void Run(InteractionEnv env, CommandArgs args) => env.Tick(args.Id(0), int.Parse(args.Positional[1]));
}
