// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class ReportSnapshotHandler : IVerbHandler
{
    public string Verb => "report-snapshot";

    public string Usage => "report-snapshot <id> <peer> [ok=b]: the snapshot send from node id to peer finished";

    public void Run(InteractionEnv env, CommandArgs args) => env[args.Id(0)].Raw.ReportSnapshot(args.Id(1), args.GetBool("ok", true));
}
