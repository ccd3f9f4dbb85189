// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Checker;

/// <summary>What a client asked for. Values are explicit so recorded histories stay readable.</summary>
public enum KvOpKind : byte
{
    Put = 0,
    Get = 1,

    /// <summary>Write <see cref="KvOperation.Value"/> only if the current version equals <see cref="KvOperation.ExpectedVersion"/>.</summary>
    Cas = 2,

    /// <summary>Write <see cref="KvOperation.Value"/> only if the key is absent.</summary>
    PutIfAbsent = 3,
    Delete = 4,
}

/// <summary>
/// How an operation ended, from the client's point of view. <see cref="Fail"/> means "definitely not
/// applied" (the request was rejected before it could reach the log); <see cref="Indeterminate"/> means
/// "may or may not apply, now or later" (timeout, crash of the serving node, lost leadership).
/// </summary>
public enum KvOutcome : byte
{
    Ok = 0,
    Fail = 1,
    Indeterminate = 2,
}

/// <summary>
/// One client operation on one key, with its real-time interval. Times are any monotonic clock the
/// recorder owns (ticks, a global event counter, Stopwatch ticks); intervals are closed, so an operation
/// that returns at t and one invoked at t count as concurrent.
/// </summary>
public sealed record KvOperation
{
    public required int ClientId { get; init; }
    public required string Key { get; init; }
    public required KvOpKind Kind { get; init; }

    /// <summary>The value written by Put, Cas and PutIfAbsent (unique per write, so reads identify their write).</summary>
    public string? Value { get; init; }

    /// <summary>Cas only: the version the key must have.</summary>
    public long ExpectedVersion { get; init; }

    public required long CallTime { get; init; }

    /// <summary>Ignored for indeterminate operations: they stay open until the end of the history.</summary>
    public long ReturnTime { get; init; }

    public KvOutcome Outcome { get; init; }

    /// <summary>Get: whether the key existed. Cas / PutIfAbsent: whether the write happened (false is a normal "precondition failed" answer).</summary>
    public bool Found { get; init; }

    /// <summary>Get: the value read (null when absent).</summary>
    public string? ReadValue { get; init; }

    /// <summary>Get: the version read (0 when the key was never written).</summary>
    public long ReadVersion { get; init; }

    public override string ToString()
    {
        var what = Kind switch
        {
            KvOpKind.Put => $"put({Value})",
            KvOpKind.Get => "get()",
            KvOpKind.Cas => $"cas(v{ExpectedVersion} -> {Value})",
            KvOpKind.PutIfAbsent => $"put-if-absent({Value})",
            _ => "delete()",
        };
        var result = Outcome switch
        {
            KvOutcome.Fail => "fail",
            KvOutcome.Indeterminate => "unknown",
            _ when Kind == KvOpKind.Get => Found ? $"'{ReadValue}'@v{ReadVersion}" : $"absent@v{ReadVersion}",
            _ when Kind is KvOpKind.Cas or KvOpKind.PutIfAbsent => Found ? "ok" : "precondition-failed",
            _ => "ok",
        };
        var end = Outcome == KvOutcome.Indeterminate ? "inf" : ReturnTime.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"client {ClientId} {Key} {what} -> {result} [{CallTime}, {end}]";
    }
}
