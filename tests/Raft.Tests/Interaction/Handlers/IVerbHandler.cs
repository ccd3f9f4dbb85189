// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

/// <summary>Runs one verb of the interaction-script language against an environment, writing to its output.</summary>
internal interface IVerbHandler
{
    string Verb { get; }

    /// <summary>One line for the list of verbs (the README of the script language).</summary>
    string Usage { get; }

    void Run(InteractionEnv env, CommandArgs args);
}
