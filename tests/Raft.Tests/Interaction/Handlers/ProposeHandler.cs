// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class ProposeHandler : IVerbHandler
{
    public string Verb => "propose";

    public string Usage => "propose <id> <data>: proposes a command; prints the outcome";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var id = args.Id(0);
        var result = env[id].Raw.Propose(Encoding.UTF8.GetBytes(args.Positional[1]));
        env.Output.AppendLine(ProposeText.Describe(id, result));
    }
}

internal static class ProposeText
{
    public static string Describe(ulong id, ProposeResult r) => r.Outcome switch
    {
        ProposeOutcome.Accepted when r.Index != 0 => $"{id}: Accepted index={r.Index} term={r.Term}",
        ProposeOutcome.Accepted => $"{id}: Accepted term={r.Term}",
        _ => $"{id}: {r.Outcome} leader-hint={r.LeaderHint}",
    };
}
