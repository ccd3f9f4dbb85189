// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class CampaignHandler : IVerbHandler
{
    public string Verb => "campaign";

    public string Usage => "campaign <id>: the node starts an election (pre-vote first when enabled)";

    public void Run(InteractionEnv env, CommandArgs args) => env[args.Id(0)].Raw.Campaign();
}
