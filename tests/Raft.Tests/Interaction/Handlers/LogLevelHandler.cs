// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

/// <summary>
/// <c>none</c> silences the commands that follow (errors still show), so a script's setup does not bury its scenario;
/// <c>output</c> shows each command's output (the default); <c>info</c> adds the core's own log lines.
/// </summary>
internal sealed class LogLevelHandler : IVerbHandler
{
    public string Verb => "log-level";

    public string Usage => "log-level none|output|info: nothing but errors; each command's output; that and the core's own log lines (role changes, rejections)";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var level = args.Positional[0];
        if (level is not ("none" or "output" or "info")) throw new ArgumentException($"unknown log level '{level}'");
        env.Quiet = level == "none";
        env.LogRaft = level == "info";
    }
}
