// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class ProposeConfChangeHandler : IVerbHandler
{
    public string Verb => "propose-conf-change";

    public string Usage => "propose-conf-change <id> [transition=auto|implicit|explicit] v<n> l<n> r<n>...: proposes a membership change (no changes = leave joint)";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var id = args.Id(0);
        var changes = args.Positional.Skip(1).Select(Parse).ToImmutableArray();
        var transition = args.Get("transition") switch
        {
            null or "auto" => ConfChangeTransition.Auto,
            "implicit" => ConfChangeTransition.JointImplicit,
            "explicit" => ConfChangeTransition.JointExplicit,
            var t => throw new FormatException($"unknown transition {t}"),
        };
        var result = env[id].Raw.ProposeConfChange(new ConfChange { Transition = transition, Changes = changes });
        env.Output.AppendLine(ProposeText.Describe(id, result));
    }

    private static ConfChangeSingle Parse(string token)
    {
        var nodeId = ulong.Parse(token[1..]);
        return token[0] switch
        {
            'v' => new ConfChangeSingle(ConfChangeType.AddVoter, nodeId),
            'l' => new ConfChangeSingle(ConfChangeType.AddLearner, nodeId),
            'r' => new ConfChangeSingle(ConfChangeType.RemoveNode, nodeId),
            _ => throw new FormatException($"unknown change {token}"),
        };
    }
}
