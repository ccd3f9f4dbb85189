// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>The kind of a cache command. Persisted in the Raft log: values are EXPLICIT and APPEND-ONLY.</summary>
public enum CommandKind : byte
{
    /// <summary>Store a value under a key, optionally conditional, with an absolute expiry.</summary>
    Put = 1,

    /// <summary>Remove a key; idempotent.</summary>
    Delete = 2,

    /// <summary>Remove every key.</summary>
    Flush = 3,

    /// <summary>Remove keys whose expiry is at or before a given instant (proposed by the leader from its clock).</summary>
    ExpirySweep = 4,

    /// <summary>Change the replicated memory limit, so that every replica evicts against the same number.</summary>
    SetMemoryLimit = 5,

    /// <summary>Add a signed 64-bit delta to an integer value (Redis INCRBY), computed at apply time.</summary>
    IncrementBy = 6,

    /// <summary>Append bytes to a value, creating it when absent (Redis APPEND).</summary>
    Append = 7,

    /// <summary>Set or clear the expiry of a visible entry, keeping its value (Redis EXPIRE, PERSIST).</summary>
    SetExpiry = 8,

    /// <summary>Set fields of a hash entry, creating it when absent (Redis HSET, HSETNX).</summary>
    HashSet = 9,

    /// <summary>Remove fields of a hash entry; the entry goes when its last field does (Redis HDEL).</summary>
    HashDelete = 10,

    /// <summary>Add a signed 64-bit delta to an integer field of a hash (Redis HINCRBY).</summary>
    HashIncrementBy = 11,

    /// <summary>Store raw values under several keys of one shard if none of them is visible, all or nothing (Redis MSETNX).</summary>
    PutAllIfAbsent = 12,
}

/// <summary>The precondition of a write. Persisted: values are explicit and append-only.</summary>
public enum WriteCondition : byte
{
    /// <summary>Unconditional.</summary>
    None = 0,

    /// <summary>Only if the key is visible with exactly the expected version (HTTP <c>If-Match</c>).</summary>
    IfVersion = 1,

    /// <summary>Only if the key is absent or expired (HTTP <c>If-None-Match: *</c>, Redis NX).</summary>
    IfAbsent = 2,

    /// <summary>Only if the key is visible, whatever its version (Redis XX).</summary>
    IfPresent = 3,
}

/// <summary>What a put does with the expiry. Persisted: values are explicit and append-only.</summary>
public enum ExpiryMode : byte
{
    /// <summary>The entry never expires; an update clears any earlier expiry (like a plain Redis SET).</summary>
    None = 0,

    /// <summary>The entry expires at the absolute instant carried by the command.</summary>
    At = 1,

    /// <summary>An update keeps the current expiry of a visible entry (Redis KEEPTTL); a new entry gets none.</summary>
    Keep = 2,
}
