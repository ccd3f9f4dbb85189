// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json;

namespace RaftCache.Chaos;

/// <summary>
/// Writes a run's history as JSON Lines in the checker-neutral shape of reliability.md "History files": one object
/// per event, an invocation and a completion for every operation, ordered by time. Field names follow Jepsen's
/// operation maps (process, type invoke/ok/fail/info, f, value) so tests/Checker/convert_history.py can turn the
/// file into Knossos' EDN. A process that saw an indeterminate outcome (info) continues under a fresh process
/// number, as Jepsen requires: its earlier operation stays open forever.
/// </summary>
public static class HistoryFile
{
    public static async Task WriteAsync(string path, IEnumerable<ChaosOp> operations)
    {
        await using var stream = File.Create(path);
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        var newline = "\n"u8.ToArray();
        foreach (var line in Events(operations))
        {
            line(json);
            await json.FlushAsync();
            json.Reset();
            await stream.WriteAsync(newline);
        }
    }

    /// <summary>The events in time order, each a function that writes one JSON object.</summary>
    public static IEnumerable<Action<Utf8JsonWriter>> Events(IEnumerable<ChaosOp> operations)
    {
        var ops = operations.OrderBy(o => o.Call).ToArray();
        if (ops.Length == 0) return [];
        var origin = ops[0].Call;
        var stride = ops.Max(o => o.Client) + 2; // clients 0..n-1, the harness's final reads (-1) as process n
        var incarnation = new Dictionary<int, int>();
        var events = new List<(long Time, int Order, Action<Utf8JsonWriter> Write)>();
        foreach (var op in ops)
        {
            var client = op.Client < 0 ? stride - 1 : op.Client;
            var process = client + (stride * incarnation.GetValueOrDefault(client));
            if (op.Outcome == OpOutcome.Indeterminate) incarnation[client] = incarnation.GetValueOrDefault(client) + 1;
            events.Add((Nanoseconds(op.Call - origin), events.Count, w => Write(w, op, process, completion: false, op.Call - origin)));
            events.Add((Nanoseconds(op.Return - origin), events.Count, w => Write(w, op, process, completion: true, op.Return - origin)));
        }

        return events.OrderBy(e => e.Time).ThenBy(e => e.Order).Select(e => e.Write);
    }

    /// <summary>The Jepsen name of the operation: read, write, cas, delete.</summary>
    public static string Function(OpKind kind) => kind switch
    {
        OpKind.Get => "read",
        OpKind.Put => "write",
        OpKind.Cas => "cas",
        _ => "delete",
    };

    private static void Write(Utf8JsonWriter w, ChaosOp op, int process, bool completion, long ticks)
    {
        w.WriteStartObject();
        w.WriteNumber("process", process);
        w.WriteString("type", !completion ? "invoke" : op.Outcome switch
        {
            OpOutcome.Ok when op is { Kind: OpKind.Cas, Found: false } => "fail", // 412: compared and wrote nothing
            OpOutcome.Ok => "ok",
            OpOutcome.Fail => "fail",
            _ => "info",
        });
        w.WriteString("f", Function(op.Kind));
        w.WriteString("key", op.Key);
        switch (op.Kind)
        {
            case OpKind.Get when completion && op is { Outcome: OpOutcome.Ok, Found: true }:
                w.WriteString("value", op.ReadValue);
                break;
            case OpKind.Put:
                w.WriteString("value", op.Value);
                break;
            case OpKind.Cas:
                w.WriteStartArray("value");
                w.WriteStringValue(op.ExpectedValue);
                w.WriteStringValue(op.Value);
                w.WriteEndArray();
                break;
            default:
                w.WriteNull("value");
                break;
        }

        w.WriteNumber("time", Nanoseconds(ticks));
        w.WriteNumber("node", op.Node);
        if (op.Kind == OpKind.Get) w.WriteString("consistency", op.Mode.ToString().ToLowerInvariant());
        if (completion && op.Outcome == OpOutcome.Ok && op.Version > 0) w.WriteNumber("version", op.Version);
        if (completion && op.Note is not null) w.WriteString("error", op.Note);
        if (op.Kind == OpKind.Cas) w.WriteNumber("expected_version", op.ExpectedVersion);
        w.WriteEndObject();
    }

    private static long Nanoseconds(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));
}
