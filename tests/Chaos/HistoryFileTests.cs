// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json;

namespace RaftCache.Chaos;

/// <summary>
/// The JSON Lines history (reliability.md "History files") and its conversion to Knossos' EDN by
/// tests/Checker/tools/convert_history.py: event shape, Jepsen's fresh process after an indeterminate outcome,
/// and what the converter keeps. Runs without Docker (needs python3).
/// </summary>
public sealed class HistoryFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("raftcache-history-").FullName;

    private static readonly long Ms = Stopwatch.Frequency / 1000;

    private static readonly ChaosOp[] History =
    [
        new() { Client = 0, Key = "k", Kind = OpKind.Put, Value = "a", Call = 1000 * Ms, Return = 1010 * Ms, Version = 7, Node = 1 },
        new() { Client = 1, Key = "k", Kind = OpKind.Put, Value = "b", Call = 1020 * Ms, Return = 1030 * Ms, Outcome = OpOutcome.Indeterminate, Note = "TaskCanceledException", Node = 2 },
        new() { Client = 1, Key = "k", Kind = OpKind.Get, Mode = ReadMode.Lease, Call = 1040 * Ms, Return = 1050 * Ms, Found = true, ReadValue = "a", Version = 7, Node = 3 },
        new() { Client = 0, Key = "k", Kind = OpKind.Get, Mode = ReadMode.Local, Call = 1060 * Ms, Return = 1070 * Ms, Found = true, ReadValue = "a", Version = 7, Node = 3 },
        new() { Client = 0, Key = "j", Kind = OpKind.Cas, ExpectedValue = "x", Value = "c", Call = 1080 * Ms, Return = 1090 * Ms, Node = 1 },
        new() { Client = 0, Key = "j", Kind = OpKind.Delete, Call = 1100 * Ms, Return = 1110 * Ms, Outcome = OpOutcome.Fail, Note = "connection refused", Node = 1 },
    ];

    [Fact]
    public async Task Every_operation_becomes_an_invocation_and_a_completion_in_time_order()
    {
        var path = Path.Combine(_dir, "h.jsonl");
        await HistoryFile.WriteAsync(path, History.Reverse());
        var events = (await File.ReadAllLinesAsync(path)).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

        Assert.Equal(2 * History.Length, events.Length);
        Assert.Equal(events.Select(e => e.GetProperty("time").GetInt64()).Order(), events.Select(e => e.GetProperty("time").GetInt64()));
        Assert.Equal(0, events[0].GetProperty("time").GetInt64());
        Assert.Equal(10_000_000, events[1].GetProperty("time").GetInt64());
        Assert.Equal(["invoke", "ok", "invoke", "info", "invoke", "ok", "invoke", "ok", "invoke", "fail", "invoke", "fail"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["write", "write", "read", "read", "cas", "delete"], events.Where((_, i) => i % 2 == 0).Select(e => e.GetProperty("f").GetString()));

        // Client 1's write is open forever, so its next operation is a new process (client + clients stride).
        Assert.Equal(1, events[2].GetProperty("process").GetInt32());
        Assert.NotEqual(1, events[4].GetProperty("process").GetInt32());
        Assert.Equal(JsonValueKind.Null, events[4].GetProperty("value").ValueKind);
        Assert.Equal("a", events[5].GetProperty("value").GetString());
        Assert.Equal("lease", events[5].GetProperty("consistency").GetString());
        Assert.Equal(7UL, events[5].GetProperty("version").GetUInt64());
        Assert.Equal(["x", "c"], events[8].GetProperty("value").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("connection refused", events[11].GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_converter_writes_one_knossos_register_per_key_without_local_reads()
    {
        var path = Path.Combine(_dir, "h.jsonl");
        await HistoryFile.WriteAsync(path, History);
        var converter = Path.Combine(ChaosSettings.RepositoryRoot, "tests", "Checker", "tools", "convert_history.py");
        var run = await Shell.RunAsync("python3", [converter, path, Path.Combine(_dir, "edn")], TimeSpan.FromSeconds(30));
        Assert.Contains("10 events, 2 keys", run.Output, StringComparison.Ordinal);

        var k = await File.ReadAllLinesAsync(Path.Combine(_dir, "edn", "k.edn"));
        Assert.Equal(6, k.Length); // the local read is left out
        Assert.StartsWith("{:process 0, :type :invoke, :f :write, :value \"a\", :time 0,", k[0], StringComparison.Ordinal);
        Assert.Contains(":type :info, :f :write, :value \"b\"", k[3], StringComparison.Ordinal);
        Assert.Contains(":type :ok, :f :read, :value \"a\"", k[5], StringComparison.Ordinal);
        var j = await File.ReadAllLinesAsync(Path.Combine(_dir, "edn", "j.edn"));
        Assert.Contains(":type :fail, :f :cas, :value [\"x\" \"c\"]", j[1], StringComparison.Ordinal);
        Assert.Contains(":f :write, :value nil", j[2], StringComparison.Ordinal); // a delete is a write of nil

        await Shell.RunAsync("python3", [converter, path, Path.Combine(_dir, "one"), "--independent"], TimeSpan.FromSeconds(30));
        var one = await File.ReadAllLinesAsync(Path.Combine(_dir, "one", "history.edn"));
        Assert.Equal(10, one.Length);
        Assert.Contains(":value [\"k\" \"a\"]", one[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_converter_refuses_a_line_that_is_not_a_history_event()
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        await File.WriteAllTextAsync(path, "{\"process\": 0}\n");
        var converter = Path.Combine(ChaosSettings.RepositoryRoot, "tests", "Checker", "tools", "convert_history.py");
        var run = await Shell.RunAsync("python3", [converter, path, Path.Combine(_dir, "edn")], TimeSpan.FromSeconds(30), check: false);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bad.jsonl:1: not a history event", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
