// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Cli;

/// <summary>The process exit codes of raftcache (docs/operations.md, "The raftcache tool"): stable, scripts rely on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran but found a problem: replicas differ, a verification failed, a wait timed out.</summary>
    public const int Failed = 1;

    /// <summary>Bad command line or bad input (malformed value, unknown option, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>No endpoint answered.</summary>
    public const int Unreachable = 3;

    /// <summary>401 or 403: the key is wrong or its role too weak.</summary>
    public const int Unauthorized = 4;

    /// <summary>404: no such key, member or shard.</summary>
    public const int NotFound = 5;

    /// <summary>409 or 412: refused by the cluster's state (precondition failed, conflict).</summary>
    public const int Conflict = 6;

    /// <summary>A backup archive was refused: damaged, truncated, foreign, or the wrong key.</summary>
    public const int ArchiveRefused = 7;

    /// <summary>The cluster answered with a server error (503 no leader or quorum, 507 memory limit, …).</summary>
    public const int ServerError = 8;
}

/// <summary>An expected failure: printed as one line on stderr, never with a stack trace.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
