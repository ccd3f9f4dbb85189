// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class LogLevelHandler : IVerbHandler
{
    public string Verb => "log-level";

    public string Usage => "log-level info|none: whether the core's own log lines (role changes, rejections) appear in the output";

    public void Run(InteractionEnv env, CommandArgs args) => env.LogRaft = args.Positional[0] == "info";
}
