// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Checker;

namespace RaftCache.Chaos;

/// <summary>
/// The checkers must be able to fail: known linearizable histories pass, and each known anomaly (stale read,
/// lost acknowledged write, phantom value, value reappearing after overwrite, unknown write seen then unseen,
/// CAS on a wrong version, duplicate apply, a stale lease read, a value read on a partitioned leader after the new
/// leader overwrote it, a local read of a value never applied) is caught. Runs with the chaos suite, without Docker.
/// </summary>
public sealed class CheckerSelfTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Legal => ["sequential", "concurrent-read-sees-either", "unknown-write-applied-late", "unknown-write-never-applied", "cas-after-read", "cas-412-after-overwrite", "delete-then-absent", "local-read-may-be-stale", "lease-read-concurrent-with-overwrite"];

    public static TheoryData<string> Illegal => ["stale-read", "lost-ack", "phantom", "reappearing-value", "unknown-seen-then-unseen", "cas-on-wrong-version", "read-after-delete", "stale-lease-read", "overwritten-on-partitioned-leader"];

    [Theory]
    [MemberData(nameof(Legal))]
    public void A_legal_history_is_linearizable(string name)
    {
        var verdict = RegisterChecker.Check(History(name), Budget);
        Assert.True(verdict.Ok, $"{name}: {verdict}");
    }

    [Theory]
    [MemberData(nameof(Illegal))]
    public void An_illegal_history_is_reported_not_linearizable(string name)
    {
        var verdict = RegisterChecker.Check(History(name), Budget);
        Assert.False(verdict.Ok, $"{name} passed the checker");
        Assert.False(verdict.TimedOut, $"{name}: {verdict}");
        Assert.Equal("k", verdict.Key);
    }

    [Fact]
    public void A_value_applied_under_two_versions_is_reported_as_a_duplicate()
    {
        ChaosOp[] history = [Put(0, "a", 0, 10, version: 5), Get(1, "a", 20, 30, version: 5), Get(1, "a", 40, 50, version: 9)];
        Assert.Contains(HistoryChecks.Anomalies(history, []), p => p.StartsWith("duplicate", StringComparison.Ordinal));
        Assert.Empty(HistoryChecks.Anomalies(history[..2], []));
    }

    [Fact]
    public void An_acknowledged_last_write_missing_from_the_final_read_is_reported_as_lost()
    {
        ChaosOp[] history = [Put(0, "a", 0, 10, version: 3), Put(1, "b", 20, 30, version: 4)];
        var lost = HistoryChecks.Anomalies(history, [Get(-1, "a", 100, 110, version: 3)]);
        Assert.Contains(lost, p => p.StartsWith("lost acknowledged write", StringComparison.Ordinal));
        Assert.Empty(HistoryChecks.Anomalies(history, [Get(-1, "b", 100, 110, version: 4)]));
    }

    [Fact]
    public void A_local_read_of_a_refused_write_or_of_a_write_not_yet_called_is_reported()
    {
        var local = Get(1, "b", 40, 50, version: 2) with { Mode = ReadMode.Local };
        ChaosOp[] refused = [Put(0, "a", 0, 10), Put(0, "b", 20, 30) with { Outcome = OpOutcome.Fail }, local];
        Assert.Contains(HistoryChecks.Anomalies(refused, []), p => p.StartsWith("local read of a value never applied", StringComparison.Ordinal));
        ChaosOp[] future = [Put(0, "a", 0, 10), local, Put(0, "b", 60, 70)];
        Assert.Contains(HistoryChecks.Anomalies(future, []), p => p.StartsWith("local read from the future", StringComparison.Ordinal));
        ChaosOp[] stale = [Put(0, "a", 0, 10, version: 1), Put(0, "b", 20, 30, version: 2), Put(0, "c", 35, 38, version: 3), local];
        Assert.Empty(HistoryChecks.Anomalies(stale, []));
    }

    [Fact]
    public void The_shared_checker_also_rejects_a_stale_read_and_accepts_a_fresh_one()
    {
        KvOperation Write(string value, long call, long ret) => new() { ClientId = 0, Key = "k", Kind = KvOpKind.Put, Value = value, CallTime = call, ReturnTime = ret };
        KvOperation Read(string value, long version, long call, long ret) => new() { ClientId = 1, Key = "k", Kind = KvOpKind.Get, Found = true, ReadValue = value, ReadVersion = version, CallTime = call, ReturnTime = ret };
        Assert.True(LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 20, 30), Read("b", 2, 40, 50)]).IsLinearizable);
        Assert.False(LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 20, 30), Read("a", 1, 40, 50)]).IsLinearizable);
    }

    private static ChaosOp[] History(string name) => name switch
    {
        "sequential" => [Put(0, "a", 0, 10), Get(1, "a", 20, 30), Put(0, "b", 40, 50), Get(1, "b", 60, 70)],
        "concurrent-read-sees-either" => [Put(0, "a", 0, 10), Put(0, "b", 20, 50), Get(1, "a", 25, 30), Get(2, "b", 30, 40), Get(1, "b", 60, 70)],
        "unknown-write-applied-late" => [Put(0, "a", 0, 10), Unknown(Put(1, "b", 20, 30)), Get(2, "a", 40, 50), Get(2, "b", 200, 210)],
        "unknown-write-never-applied" => [Put(0, "a", 0, 10), Unknown(Put(1, "b", 20, 30)), Get(2, "a", 40, 50), Get(2, "a", 200, 210)],
        "cas-after-read" => [Put(0, "a", 0, 10), Get(1, "a", 20, 30), Cas(1, "a", "c", true, 40, 50), Get(2, "c", 60, 70)],
        "cas-412-after-overwrite" => [Put(0, "a", 0, 10), Get(1, "a", 20, 30), Put(0, "b", 35, 38), Cas(1, "a", "c", false, 40, 50), Get(2, "b", 60, 70)],
        "delete-then-absent" => [Put(0, "a", 0, 10), Delete(1, 20, 30), Absent(2, 40, 50)],
        "local-read-may-be-stale" => [Put(0, "a", 0, 10), Put(0, "b", 20, 30), Get(1, "a", 40, 50) with { Mode = ReadMode.Local }],
        "lease-read-concurrent-with-overwrite" => [Put(0, "a", 0, 10), Put(0, "b", 20, 50), Get(1, "a", 30, 40) with { Mode = ReadMode.Lease }],

        // A leader whose lease outlived its leadership (clock drift beyond the bound) answers from its own state.
        "stale-lease-read" => [Put(0, "a", 0, 10), Put(0, "b", 20, 30), Get(1, "a", 40, 50) with { Mode = ReadMode.Lease }],

        // n1 led and was cut off; n2 took over and acknowledged b, which a read through n2 saw; n1 still answers a.
        "overwritten-on-partitioned-leader" => [Put(0, "a", 0, 10) with { Node = 1 }, Put(1, "b", 20, 30) with { Node = 2 },
            Get(2, "b", 35, 38) with { Node = 2 }, Get(3, "a", 40, 50) with { Node = 1, Mode = ReadMode.Lease }],
        "stale-read" => [Put(0, "a", 0, 10), Put(0, "b", 20, 30), Get(1, "a", 40, 50)],
        "lost-ack" => [Put(0, "a", 0, 10), Absent(1, 40, 50)],
        "phantom" => [Put(0, "a", 0, 10), Get(1, "zzz", 40, 50)],
        "reappearing-value" => [Put(0, "a", 0, 10), Put(0, "b", 20, 30), Get(1, "b", 40, 50), Get(1, "a", 60, 70)],
        "unknown-seen-then-unseen" => [Put(0, "a", 0, 10), Unknown(Put(1, "b", 20, 30)), Get(2, "b", 40, 50), Get(2, "a", 60, 70)],
        "cas-on-wrong-version" => [Put(0, "a", 0, 10), Put(0, "b", 20, 30), Cas(1, "a", "c", true, 40, 50)],
        "read-after-delete" => [Put(0, "a", 0, 10), Delete(1, 20, 30), Get(2, "a", 40, 50)],
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such history"),
    };

    private static ChaosOp Put(int client, string value, long call, long ret, ulong version = 0) =>
        new() { Client = client, Key = "k", Kind = OpKind.Put, Value = value, Call = call, Return = ret, Version = version };

    private static ChaosOp Get(int client, string value, long call, long ret, ulong version = 0) =>
        new() { Client = client, Key = "k", Kind = OpKind.Get, Found = true, ReadValue = value, Call = call, Return = ret, Version = version };

    private static ChaosOp Absent(int client, long call, long ret) => new() { Client = client, Key = "k", Kind = OpKind.Get, Call = call, Return = ret };

    private static ChaosOp Delete(int client, long call, long ret) => new() { Client = client, Key = "k", Kind = OpKind.Delete, Call = call, Return = ret };

    private static ChaosOp Cas(int client, string expected, string value, bool done, long call, long ret) =>
        new() { Client = client, Key = "k", Kind = OpKind.Cas, ExpectedValue = expected, Value = value, Found = done, Call = call, Return = ret };

    private static ChaosOp Unknown(ChaosOp op) => op with { Outcome = OpOutcome.Indeterminate };
}
