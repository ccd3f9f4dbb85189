// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class AddNodesHandler : IVerbHandler
{
    public string Verb => "add-nodes";

    public string Usage => "add-nodes <count> [voters=(ids)] [prevote=b] [checkquorum=b] [lease=b] [step-down-on-removal=b] [max-inflight=n] [max-msg-bytes=n] [max-uncommitted-bytes=n]: new nodes; those in voters are bootstrapped with that configuration";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var count = int.Parse(args.Positional[0]);
        var voters = args.GetIds("voters");
        var options = new InteractionEnv.NodeOptions
        {
            PreVote = args.GetBool("prevote", true),
            CheckQuorum = args.GetBool("checkquorum", true),
            ReadOnly = args.GetBool("lease", false) ? ReadOnlyOption.LeaseBased : ReadOnlyOption.Safe,
            StepDownOnRemoval = args.GetBool("step-down-on-removal", true),
            MaxInflightMessages = (int)args.GetLong("max-inflight", 256),
            MaxMessageBytes = args.GetLong("max-msg-bytes", 1 << 20),
            MaxUncommittedBytes = args.GetLong("max-uncommitted-bytes", 64L << 20),
        };
        var next = env.Nodes.Count == 0 ? 1UL : env.Nodes.Keys.Max() + 1;
        for (var i = 0; i < count; i++, next++)
        {
            var bootstrap = voters.Contains(next) ? voters : null;
            env.AddNode(next, options, bootstrap);
            env.Output.AppendLine(bootstrap is null ? $"{next}: empty log" : $"{next}: bootstrapped voters=({string.Join(' ', voters)})");
        }
    }
}
