// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using RaftCache.StateMachine;

namespace RaftCache.Resp;

/// <summary>How fresh a read must be; the same three levels as REST's <c>consistency</c>.</summary>
public enum RespConsistency
{
    Linearizable = 0,
    Lease = 1,
    Local = 2,
}

/// <summary>An authenticated caller: the API key it presented (forwards act as it) and the key's role.</summary>
public sealed record RespCaller(string Name, string Role, string? ApiKey);

/// <summary>How a replicated write ended, as a RESP client must hear it.</summary>
public enum RespWriteStatus
{
    Applied = 0,
    PreconditionFailed = 1,
    MemoryLimit = 2,

    /// <summary>Applied as a no-op: the value did not allow it (see <see cref="RespWriteResult.Result"/>).</summary>
    Rejected = 3,

    /// <summary>No leader within the request timeout; the write was not applied.</summary>
    Unavailable = 4,

    /// <summary>Sent to a leader that did not answer in time: it may or may not apply.</summary>
    Indeterminate = 5,

    /// <summary>The caller's key may not do this (a forward refused it).</summary>
    Forbidden = 6,
}

public readonly record struct RespWriteResult(RespWriteStatus Status, ApplyResult Result);

/// <summary>A value as read: a copy or a view that stays valid after the key changes.</summary>
public sealed record RespEntry(ReadOnlyMemory<byte> Value, ReadOnlyMemory<byte> ContentType, ulong Version, long? ExpiresAtMs)
{
    public bool IsHash => HashValue.IsHash(ContentType.Span);
}

public enum RespReadStatus
{
    Found = 0,
    NotFound = 1,
    Unavailable = 2,
    Forbidden = 3,
}

public readonly record struct RespReadResult(RespReadStatus Status, RespEntry? Entry);

/// <summary>
/// One shard as cluster mode describes it: its slots and where its leader and replicas serve RESP (those whose
/// address is known), and how many replicas it has in all.
/// </summary>
public sealed record RespShard(int Id, int FirstSlot, int LastSlot, RespNodeAddress? Leader, IReadOnlyList<RespNodeAddress> Replicas, int ReplicaCount);

public sealed record RespNodeAddress(ulong Id, string Host, int Port);

/// <summary>
/// What the RESP front end needs from the node, and all it sees of it. Implementations are thread-safe; every
/// call may come from many connections at once. Writes are given an encoder rather than bytes, because the
/// backend owns the client session (at-most-once across retries and forwards) and the proposer's clock.
/// </summary>
public interface IRespBackend
{
    /// <summary>False when the node runs without authentication (every connection is then an admin).</summary>
    bool AuthEnabled { get; }

    /// <summary>The node's clock in Unix ms: the proposer's time for expiries computed from relative TTLs.</summary>
    long NowMs { get; }

    /// <summary>The identity of an API key, or null when it matches no configured key.</summary>
    RespCaller? Authenticate(string key);

    /// <summary>Changes whenever an API key may have stopped working (revoked, or removed from the keys file).</summary>
    int CredentialsGeneration { get; }

    /// <summary>True while the key <paramref name="caller"/> authenticated with still works.</summary>
    bool IsCurrent(RespCaller caller);

    /// <summary>Counts one executed command (its table name), whether it answered an error, and how long it took.</summary>
    void RecordCommand(string command, bool failed, double seconds);

    bool IsAuthBlocked(IPAddress? address);

    void RecordAuthFailure(IPAddress? address);

    int ShardOfKey(ReadOnlySpan<byte> key);

    /// <summary>The key's hash slot (CRC16 with hash tags, mod 16384), as Redis Cluster computes it.</summary>
    int SlotOfKey(ReadOnlySpan<byte> key);

    /// <summary>
    /// Proposes the command <paramref name="encode"/> builds for the given session and proposer time, at the
    /// shard's leader (here or forwarded), retrying until the request timeout while no leader is known.
    /// </summary>
    Task<RespWriteResult> WriteAsync(int shard, Func<ClientSession, long, byte[]> encode, RespCaller caller, CancellationToken cancellationToken);

    Task<RespReadResult> ReadAsync(int shard, byte[] key, RespConsistency consistency, RespCaller caller, CancellationToken cancellationToken);

    /// <summary>Flushes every shard (admin); false with a reason when a shard could not be flushed.</summary>
    Task<(bool Done, string? Error)> FlushAllAsync(RespCaller caller, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> keys of one shard after the cursor, from this node's replica.</summary>
    IReadOnlyList<byte[]>? ListKeys(int shard, byte[]? after, int limit);

    /// <summary>Every shard, with slots and RESP addresses (cluster mode, INFO).</summary>
    IReadOnlyList<RespShard> Shards();

    /// <summary>
    /// <see cref="Shards"/> once every shard has a leader whose RESP address is known, or when a bounded wait for that
    /// is over: what CLUSTER answers, so a cluster-aware client's first view of the topology covers every slot.
    /// </summary>
    Task<IReadOnlyList<RespShard>> ShardsAsync(CancellationToken cancellationToken) => Task.FromResult(Shards());

    /// <summary>Keys held by this node's replicas, per shard (DBSIZE, INFO keyspace).</summary>
    Task<IReadOnlyDictionary<int, long>> LocalKeyCountsAsync();

    /// <summary>Extra INFO lines about RaftCache (node id, shards, leaders, terms, indexes, memory).</summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> InfoAsync();

    ulong NodeId { get; }
}
