// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Chaos;

public enum OpKind : byte
{
    Put,
    Get,

    /// <summary>PUT with If-Match: the version the client last read, which identifies the value it read (values are unique).</summary>
    Cas,
    Delete,
}

/// <summary>How a GET asks to be served (API.md: <c>?consistency=</c>); writes are always through the shard leader.</summary>
public enum ReadMode : byte
{
    Linearizable,
    Lease,

    /// <summary>The asked node's own replica: may be stale, never a value that was not written (not linearizability-checked).</summary>
    Local,
}

/// <summary>ok: the answer is known; fail: definitely not applied; indeterminate: may apply now, later or never.</summary>
public enum OpOutcome : byte
{
    Ok,
    Fail,
    Indeterminate,
}

/// <summary>
/// One client operation against the real cluster, as recorded (reliability.md §2): call and return in Stopwatch
/// ticks of one process-wide clock, the outcome, and what was answered. Versions are the product's (the Raft log
/// index of the write), so they are kept for the duplicate check and translated for the model: a CAS expects the
/// value it last read with that version.
/// </summary>
public sealed record ChaosOp
{
    public required int Client { get; init; }
    public required string Key { get; init; }
    public required OpKind Kind { get; init; }
    public required long Call { get; init; }
    public long Return { get; init; }
    public OpOutcome Outcome { get; init; }
    public int Node { get; init; }

    /// <summary>Get: the consistency it asked for.</summary>
    public ReadMode Mode { get; init; }

    /// <summary>Put / Cas: the unique value written.</summary>
    public string? Value { get; init; }

    /// <summary>Cas: the value that the expected version belonged to.</summary>
    public string? ExpectedValue { get; init; }

    public ulong ExpectedVersion { get; init; }

    /// <summary>Get: the key existed. Cas: the write happened (false = 412).</summary>
    public bool Found { get; init; }

    public string? ReadValue { get; init; }

    /// <summary>Get: the version read; Put / Cas: the version acknowledged.</summary>
    public ulong Version { get; init; }

    /// <summary>Why it failed or is indeterminate (status or exception), for reports.</summary>
    public string? Note { get; init; }

    public override string ToString()
    {
        var what = Kind switch
        {
            OpKind.Put => $"put({Value})",
            OpKind.Get => Mode == ReadMode.Linearizable ? "get()" : $"get({Mode.ToString().ToLowerInvariant()})",
            OpKind.Cas => $"cas(v{ExpectedVersion}='{ExpectedValue}' -> {Value})",
            _ => "delete()",
        };
        var answer = Outcome switch
        {
            OpOutcome.Fail => $"fail {Note}",
            OpOutcome.Indeterminate => $"unknown {Note}",
            _ when Kind == OpKind.Get => Found ? $"'{ReadValue}'@v{Version}" : "absent",
            _ when Kind == OpKind.Cas => Found ? $"ok@v{Version}" : "412",
            _ when Kind == OpKind.Put => $"ok@v{Version}",
            _ => "ok",
        };
        var end = Outcome == OpOutcome.Indeterminate ? "inf" : Ms(Return);
        return $"[{Ms(Call)}, {end}] client {Client} via n{Node} {Key} {what} -> {answer}";
    }

    private static string Ms(long ticks) =>
        (ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency).ToString("F1", CultureInfo.InvariantCulture) + "ms";
}
