// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class HealHandler : IVerbHandler
{
    public string Verb => "heal";

    public string Usage => "heal: removes every partition";

    public void Run(InteractionEnv env, CommandArgs args) => env.Heal();
}
