// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>How fresh a read must be (API.md: linearizable by default, lease, or local).</summary>
public enum ReadConsistency
{
    Linearizable = 0,
    Lease = 1,
    Local = 2,
}

/// <summary>Where a request for a shard is served: here, at the leader's REST endpoint, or nowhere right now.</summary>
public readonly record struct ShardRoute(RouteKind Kind, Uri? Leader, string? Detail)
{
    public static ShardRoute Local => new(RouteKind.Local, null, null);

    public static ShardRoute Forward(Uri leader) => new(RouteKind.Forward, leader, null);

    public static ShardRoute Unavailable(string detail) => new(RouteKind.Unavailable, null, detail);
}

public enum RouteKind
{
    Local = 0,
    Forward = 1,
    Unavailable = 2,
}

public enum WriteStatus
{
    Applied = 0,
    PreconditionFailed = 1,
    MemoryLimit = 2,

    /// <summary>Definitely not applied (e.g. this node lost leadership before appending, or the entry was overwritten): safe to retry.</summary>
    NotApplied = 3,

    /// <summary>Appended but its fate is unknown within the request timeout: it may or may not apply later.</summary>
    Indeterminate = 4,

    /// <summary>Applied as a no-op because the value did not allow it (not an integer, overflow, wrong type): see <see cref="WriteOutcome.Result"/>.</summary>
    Rejected = 5,
}

public readonly record struct WriteOutcome(WriteStatus Status, ulong Version, string? Detail = null)
{
    /// <summary>The state machine's own result when the command was applied (its count carries increments' new values).</summary>
    public ApplyResult Result { get; init; }
}

public enum ReadStatus
{
    Found = 0,
    NotFound = 1,

    /// <summary>The read could not be confirmed (no leader, leadership lost, timeout).</summary>
    Unavailable = 2,
}

public readonly record struct ReadOutcome(ReadStatus Status, CacheEntry Entry, string? Detail = null);

/// <summary>
/// What the REST layer needs from the node: routing decisions and the shard operations served locally.
/// Implemented by the multi-raft host; the REST layer never sees Raft directly.
/// </summary>
public interface ICacheCluster
{
    int ShardOfKey(ReadOnlySpan<byte> key);

    /// <summary>Writes and linearizable reads go to the shard leader; local reads to any replica on this node.</summary>
    ShardRoute RouteOf(int shard, bool isWrite, ReadConsistency consistency);

    /// <summary>A session for a new write (client id, sequence), so a retried or re-forwarded write applies at most once.</summary>
    ClientSession NewSession();

    /// <summary>Marks a session's write as answered, so the state machine may forget its stored result.</summary>
    void CompleteSession(ClientSession session);

    Task<WriteOutcome> WriteAsync(int shard, byte[] command, CancellationToken cancellationToken);

    Task<ReadOutcome> ReadAsync(int shard, byte[] key, ReadConsistency consistency, CancellationToken cancellationToken);
}
