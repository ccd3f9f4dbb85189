// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class StabilizeHandler : IVerbHandler
{
    public string Verb => "stabilize";

    public string Usage => "stabilize [<id>...]: processes Readies and delivers messages among the nodes until nothing moves";

    public void Run(InteractionEnv env, CommandArgs args) =>
        env.Stabilize(args.Positional.Count == 0 ? null : args.Ids.ToList());
}
