// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node;

/// <summary>
/// The node program's exit codes (docs/operations.md). Supervisors (dev, container restart policies, orchestrators)
/// restart a node that failed, but never one that was removed: its id is retired for good, and restarting it on the
/// same data folder only gets it refused again.
/// </summary>
public static class ExitCodes
{
    /// <summary>Stopped on request (Ctrl-C, SIGTERM), after handing its leaderships over.</summary>
    public const int Stopped = 0;

    /// <summary>An unexpected failure: restart it; it recovers from its data folder.</summary>
    public const int Failed = 1;

    /// <summary>The command line or configuration is invalid; the message names the setting.</summary>
    public const int BadConfiguration = 2;

    /// <summary>
    /// This node was removed from its cluster (it applied its own removal, or a member refused it as removed).
    /// Final: wipe the data folder and add the node again to bring it back under a new id.
    /// </summary>
    public const int Removed = 3;

    /// <summary>
    /// An empty node asked to be admitted with a join token and was refused (wrong, expired or spent token, or its
    /// address belongs to another member); it logged why. Restarting it with the same token will not help.
    /// </summary>
    public const int JoinRefused = 4;
}
