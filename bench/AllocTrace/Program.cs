// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// AllocTrace TRACE.nettrace [REQUESTS] [TOP]: the sampled allocations (GC AllocationTick, one event per ~100 KB) of a
// trace by type and by allocating stack (the first frames outside the runtime's own collections), in bytes and, when
// REQUESTS (the requests served during the trace) is given, in bytes per request.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: AllocTrace TRACE.nettrace [REQUESTS] [TOP]");
    return 2;
}
var requests = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var top = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 25;
using var log = TraceLog.OpenOrConvert(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, long>();
var byStack = new Dictionary<string, long>();
long total = 0;
foreach (var data in log.Events)
{
    if (data is not GCAllocationTickTraceData tick) continue;
    var bytes = tick.AllocationAmount64;
    total += bytes;
    byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + bytes;
    var key = tick.TypeName + "  <=  " + StackOf(data.CallStack());
    byStack[key] = byStack.GetValueOrDefault(key) + bytes;
}
Console.WriteLine($"total sampled: {total / 1e6:F1} MB" + (requests > 0 ? $", {total / requests:F0} B/request over {requests:F0} requests" : ""));
Print("by type", byType);
Print("by stack", byStack);
return 0;

void Print(string title, Dictionary<string, long> rows)
{
    Console.WriteLine($"== {title}");
    foreach (var (name, bytes) in rows.OrderByDescending(r => r.Value).Take(top))
        Console.WriteLine($"{bytes * 100.0 / Math.Max(total, 1),5:F1}% {(requests > 0 ? $"{bytes / requests,7:F0} B/req" : "")}  {name}");
}

static string StackOf(TraceCallStack? stack)
{
    var frames = new List<string>();
    for (var s = stack; s is not null && frames.Count < (Environment.GetEnvironmentVariable("ALLOC_DEPTH") is { } d ? int.Parse(d, System.Globalization.CultureInfo.InvariantCulture) : 6); s = s.Caller)
    {
        var name = s.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(name)) continue;
        if (frames.Count == 0 && (name.StartsWith("System.", StringComparison.Ordinal) && frames.Count == 0 && IsAllocator(name))) continue;
        frames.Add(Shorten(name));
    }
    return string.Join(" < ", frames);
}

static bool IsAllocator(string name) => name.Contains("GC.Allocate", StringComparison.Ordinal) || name.Contains("Array.Resize", StringComparison.Ordinal);

static string Shorten(string name)
{
    var paren = name.IndexOf('(', StringComparison.Ordinal);
    return paren > 0 ? name[..paren] : name;
}
