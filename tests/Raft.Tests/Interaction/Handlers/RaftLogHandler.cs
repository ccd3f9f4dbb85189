// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class RaftLogHandler : IVerbHandler
{
    public string Verb => "raft-log";

    public string Usage => "raft-log <id>: the entries the node has persisted";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var log = env[args.Id(0)].Log;
        if (log.FirstIndex > 1) env.Output.AppendLine($"compacted through {log.FirstIndex - 1}");
        if (log.LastIndex < log.FirstIndex)
        {
            env.Output.AppendLine("log is empty");
            return;
        }

        foreach (var e in log.Entries(log.FirstIndex, log.LastIndex + 1, long.MaxValue)) env.Output.AppendLine(ReadyFormatter.Describe(e));
    }
}
