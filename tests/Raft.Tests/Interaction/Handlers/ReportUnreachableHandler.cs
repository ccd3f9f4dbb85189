// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class ReportUnreachableHandler : IVerbHandler
{
    public string Verb => "report-unreachable";

    public string Usage => "report-unreachable <id> <peer>: the transport of node id failed to reach peer";

    public void Run(InteractionEnv env, CommandArgs args) => env[args.Id(0)].Raw.ReportUnreachable(args.Id(1));
}
