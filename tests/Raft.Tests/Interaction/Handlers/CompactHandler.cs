// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class CompactHandler : IVerbHandler
{
    public string Verb => "compact";

    public string Usage => "compact <id> <index>: snapshots the node's state at index (≤ applied) and drops the log up to it";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var node = env[args.Id(0)];
        var index = ulong.Parse(args.Positional[1]);
        var status = node.Raw.Status();
        if (index > status.Applied) throw new InvalidOperationException($"cannot snapshot {index} beyond applied {status.Applied}");
        var data = System.Text.Encoding.UTF8.GetBytes($"state@{index}");
        node.Log.CreateSnapshot(index, status.ConfState, data);
        node.Log.Compact(index);
        env.Output.AppendLine($"{node.Id}: snapshot at {index}, log compacted through {index}");
    }
}
