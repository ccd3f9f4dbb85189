// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class TransferLeaderHandler : IVerbHandler
{
    public string Verb => "transfer-leader";

    public string Usage => "transfer-leader from=<id> to=<id>: asks node 'from' to hand leadership to 'to'";

    public void Run(InteractionEnv env, CommandArgs args) =>
        env[ulong.Parse(args.Get("from")!)].Raw.TransferLeadership(ulong.Parse(args.Get("to")!));
}
