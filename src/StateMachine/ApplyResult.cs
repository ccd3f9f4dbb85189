// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>How a command ended. Stored in the session table and snapshots: values are explicit and append-only.</summary>
public enum ApplyStatus : byte
{
    /// <summary>The command took effect.</summary>
    Applied = 1,

    /// <summary>The write's condition did not hold (HTTP 412); nothing changed.</summary>
    PreconditionFailed = 2,

    /// <summary>The value cannot fit under the memory limit even after evicting every other key; nothing changed.</summary>
    RefusedMemoryLimit = 3,

    /// <summary>
    /// A retry of a write whose result was already acknowledged and discarded (its sequence is below the
    /// session's floor). It was applied earlier; nothing changed now and its original result is unknown.
    /// </summary>
    SessionResultDiscarded = 4,

    /// <summary>An increment met a value (or hash field) that is not a base-10 signed 64-bit integer; nothing changed.</summary>
    NotAnInteger = 5,

    /// <summary>An increment would leave the signed 64-bit range; nothing changed.</summary>
    Overflow = 6,

    /// <summary>A string command met a hash, or a hash command a string; nothing changed.</summary>
    WrongType = 7,
}

/// <summary>The outcome of applying one command, identical on every replica.</summary>
/// <param name="Status">How the command ended.</param>
/// <param name="Version">
/// Applied: the log index of the command, which for a put is the entry's new version. Precondition failed or refused
/// for memory: the key's current version, 0 when absent. Session result discarded: 0.
/// </param>
/// <param name="Count">
/// Put: keys evicted to make room. Delete: 1 when a visible key was removed, else 0.
/// Flush and sweep: keys removed. Increments: the new integer. Append: the new value length. SetExpiry: 1 when
/// a visible key was changed, else 0. HashSet: fields added. HashDelete: fields removed. Otherwise 0.
/// </param>
/// <param name="IsDuplicate">True when this is the stored result of an earlier application of the same session write.</param>
public readonly record struct ApplyResult(ApplyStatus Status, ulong Version, long Count, bool IsDuplicate = false)
{
    public bool Succeeded => Status == ApplyStatus.Applied;
}
