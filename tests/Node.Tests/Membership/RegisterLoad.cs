// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RaftCache.Checker;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Membership;

/// <summary>One client operation against the REST API, with its real-time interval (Stopwatch ticks).</summary>
public sealed record RegisterOp(int Client, string Key, bool IsWrite, string? Value, long Call, long Return, bool Ok, bool Indeterminate, string? ReadValue)
{
    public override string ToString() =>
        $"client {Client} {Key} {(IsWrite ? $"put({Value})" : "get()")} -> {(Indeterminate ? "unknown" : !Ok ? "fail" : IsWrite ? "ok" : ReadValue ?? "absent")} [{Call}, {(Indeterminate ? "inf" : Return)}]";
}

/// <summary>A register per key: a put sets it, a get that succeeded must read the latest value (or absent before any put).</summary>
public sealed class RegisterSpec : ISequentialSpec<RegisterOp, string?>
{
    public static readonly RegisterSpec Instance = new();

    public string? Initial => null;

    public bool Step(string? state, RegisterOp op, out string? next)
    {
        next = state;
        if (op.IsWrite)
        {
            // A failed write never applied; an ok or indeterminate one is placed where the checker finds it fits.
            if (op.Ok || op.Indeterminate) next = op.Value;
            return true;
        }
        return !op.Ok || string.Equals(op.ReadValue, state, StringComparison.Ordinal);
    }

    public long CallTime(RegisterOp op) => op.Call;

    public long? ReturnTime(RegisterOp op) => op.Indeterminate ? null : op.Return;
}

/// <summary>
/// A continuous, bounded write and linearizable-read load on a few keys, sent to random live members, recorded
/// as a history. Checked at the end: every key's history is linearizable (so no acknowledged write was lost
/// and no read was stale) and a final read of every key returns its last acknowledged write or a later one.
/// </summary>
public sealed class RegisterLoad : IAsyncDisposable
{
    private readonly List<RegisterOp> _history = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private readonly Func<IReadOnlyList<NodeProcess>> _targets;
    private readonly Func<IReadOnlyList<NodeProcess>> _readers;
    private readonly HttpClient _http;
    private readonly string _consistency;

    /// <summary>
    /// Writes go to any of <paramref name="targets"/>, reads to any of <paramref name="readers"/> (the targets when
    /// null) at <paramref name="consistency"/> (linearizable or lease: both are checked for linearizability).
    /// </summary>
    public RegisterLoad(Func<IReadOnlyList<NodeProcess>> targets, int clients = 4, int keys = 12, Func<IReadOnlyList<NodeProcess>>? readers = null, string consistency = "linearizable")
    {
        _consistency = consistency;
        _targets = targets;
        _readers = readers ?? targets;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", TestCluster.AdminKey);
        _clients = Enumerable.Range(1, clients).Select(c => Task.Run(() => RunClientAsync(c, keys))).ToArray();
    }

    public int Count
    {
        get
        {
            lock (_gate) return _history.Count;
        }
    }

    public int Acknowledged
    {
        get
        {
            lock (_gate) return _history.Count(o => o.IsWrite && o.Ok);
        }
    }

    private async Task RunClientAsync(int client, int keys)
    {
        var random = new Random(client * 7919);
        // Bounded in count as well as by Stop(): a stuck test cannot load the machine forever.
        for (var i = 0; i < 200_000 && !_stop.IsCancellationRequested; i++)
        {
            var write = random.Next(2) == 0;
            var targets = write ? _targets() : _readers();
            var node = targets[random.Next(targets.Count)];
            var key = $"reg-{random.Next(keys)}";
            var value = write ? $"c{client}-{i}" : null;
            var call = Stopwatch.GetTimestamp();
            RegisterOp op;
            try
            {
                if (write)
                {
                    using var body = new StringContent($$"""{"data": "{{value}}", "ttl_seconds": 3600}""", Encoding.UTF8, "application/json");
                    using var response = await _http.PutAsync(new Uri(node.Url, $"/keys/{key}"), body, _stop.Token);
                    var ok = response.StatusCode == HttpStatusCode.OK;
                    // 4xx means the request was refused before reaching the log; anything else may have applied.
                    var refused = (int)response.StatusCode is >= 400 and < 500;
                    op = new RegisterOp(client, key, true, value, call, Stopwatch.GetTimestamp(), ok, !ok && !refused, null);
                }
                else
                {
                    using var response = await _http.GetAsync(new Uri(node.Url, $"/keys/{key}?consistency={_consistency}"), _stop.Token);
                    string? read = null;
                    if (response.StatusCode == HttpStatusCode.OK) read = (await response.Content.ReadFromJsonAsync<JsonElement>(_stop.Token)).GetProperty("data").GetString();
                    var ok = response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound;
                    op = new RegisterOp(client, key, false, null, call, Stopwatch.GetTimestamp(), ok, false, read);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                op = new RegisterOp(client, key, write, value, call, 0, false, write, null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                op = new RegisterOp(client, key, write, value, call, 0, false, write, null);
            }
            // A read that got no answer tells nothing and changes nothing: it is left out of the history.
            if (!op.IsWrite && !op.Ok) continue;
            lock (_gate) _history.Add(op);
        }
    }

    /// <summary>Stops the clients and checks the history; returns (operations, acknowledged writes) or fails naming the key.</summary>
    public async Task<(int Operations, int Acknowledged)> StopAndCheckAsync(IReadOnlyList<NodeProcess> readers)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        // A final linearizable read of every key, after the load, joins the history: a lost acknowledged write shows here.
        var keys = _history.Select(o => o.Key).Distinct().ToArray();
        foreach (var key in keys)
        {
            var call = Stopwatch.GetTimestamp();
            using var response = await _http.GetAsync(new Uri(readers[0].Url, $"/keys/{key}?consistency=linearizable"));
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"final read of {key}: {(int)response.StatusCode}");
            var read = response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetString() : null;
            _history.Add(new RegisterOp(0, key, false, null, call, Stopwatch.GetTimestamp(), true, false, read));
        }
        foreach (var (key, ops) in _history.GroupBy(o => o.Key).Select(g => (g.Key, g.ToList())))
        {
            var result = LinearizabilityChecker.CheckKey(ops, RegisterSpec.Instance, TimeSpan.FromSeconds(30));
            Assert.True(result.IsLinearizable, $"key {key} is not linearizable ({ops.Count} operations): {result.Explanation}\n{string.Join('\n', ops.OrderBy(o => o.Call).TakeLast(40))}");
        }
        return (_history.Count, _history.Count(o => o.IsWrite && o.Ok));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_clients);
        }
        catch (OperationCanceledException)
        {
        }
        _http.Dispose();
        _stop.Dispose();
    }
}
