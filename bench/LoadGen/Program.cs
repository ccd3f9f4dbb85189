// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using RaftCache.LoadGen;

// Closed-loop load: N clients, each with one request in flight, spread over the given endpoints, for a fixed
// duration (bounded). Prints one JSON object with throughput and p50/p99/p999 from its own histogram.
//   loadgen --target raftcache|etcd --endpoints http://127.0.0.1:5001,... --clients 16 --value-bytes 1024
//           --read-ratio 0.0 --duration-s 10 --keys 10000 [--api-key KEY]
// RaftCache nodes need credentials: --api-key (or the RAFTCACHE_KEY environment variable) is sent as X-Api-Key.
// Options for the rebalancing benchmark (bench/run-rebalance.sh), all off by default:
//   --mode fill        write keys <prefix>0 … <prefix>(keys-1) exactly once each (retrying failures), then stop
//   --key-prefix P     key names (default "k"), so a steady load need not overwrite a filled data set
//   --ttl-seconds S    expiry of RaftCache puts (default 3600)
//   --stop-file PATH   end the measurement as soon as PATH exists (still bounded by --duration-s)
//   --timeline 1       add the successful operations of every second to the output
var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: loadgen --target raftcache|etcd --endpoints URL[,URL...] [--clients 16] [--value-bytes 1024] [--read-ratio 0] [--duration-s 10] [--keys 10000] [--warmup-s 2] [--api-key KEY]"
        + " [--mode load|fill] [--key-prefix k] [--ttl-seconds 3600] [--stop-file PATH] [--timeline 0|1]");
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Clients,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    ConnectTimeout = TimeSpan.FromSeconds(2),
}) { Timeout = TimeSpan.FromSeconds(10) };
if (options.Target == "raftcache" && options.ApiKey is { Length: > 0 } apiKey) http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
var target = options.Target == "etcd" ? (ITarget)new EtcdTarget(http) : new RaftCacheTarget(http, options.TtlSeconds);
var value = new string('x', options.ValueBytes);

if (options.Mode == "fill")
{
    Console.WriteLine(JsonSerializer.Serialize(await Fill.RunAsync(options, target, value)));
    return 0;
}

// Preload so reads hit existing keys.
if (options.ReadRatio > 0)
{
    await Parallel.ForEachAsync(Enumerable.Range(0, options.Keys), new ParallelOptions { MaxDegreeOfParallelism = options.Clients },
        async (k, ct) => await target.PutAsync(options.Endpoints[k % options.Endpoints.Length], $"{options.KeyPrefix}{k}", value));
}

var histograms = new LongHistogram[options.Clients];
var errors = new long[options.Clients];
var warmupEnd = Stopwatch.GetTimestamp() + (long)(options.WarmupSeconds * Stopwatch.Frequency);
var end = warmupEnd + (long)(options.DurationSeconds * Stopwatch.Frequency);
var timeline = new long[(int)Math.Ceiling(options.DurationSeconds) + 1];
using var stop = new CancellationTokenSource();
var stopWatcher = options.StopFile is { } stopFile ? WatchStopFileAsync(stopFile, end, stop) : Task.CompletedTask;
await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(client => Task.Run(async () =>
{
    var histogram = histograms[client] = Latency.NewHistogram();
    var random = new Random(client * 7919 + 1);
    var endpoint = options.Endpoints[client % options.Endpoints.Length];
    while (true)
    {
        var started = Stopwatch.GetTimestamp();
        if (started >= end || stop.IsCancellationRequested) break;
        var key = $"{options.KeyPrefix}{random.Next(options.Keys)}";
        bool ok;
        try
        {
            ok = random.NextDouble() < options.ReadRatio ? await target.GetAsync(endpoint, key) : await target.PutAsync(endpoint, key, value);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            ok = false;
        }
        if (started < warmupEnd) continue;
        if (ok)
        {
            histogram.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            if (options.Timeline) Interlocked.Increment(ref timeline[Math.Min(timeline.Length - 1, (int)((started - warmupEnd) / Stopwatch.Frequency))]);
        }
        else errors[client]++;
    }
})));
// A stop file shortens the measured window; rates are over the time actually measured.
var stoppedAt = Math.Min(Stopwatch.GetTimestamp(), end);
var measured = options.StopFile is null ? options.DurationSeconds : Math.Max(0.001, (double)(stoppedAt - warmupEnd) / Stopwatch.Frequency);
await stop.CancelAsync();
await stopWatcher;

var total = Latency.NewHistogram();
foreach (var h in histograms) total.Add(h);
var result = new
{
    target = options.Target,
    clients = options.Clients,
    value_bytes = options.ValueBytes,
    read_ratio = options.ReadRatio,
    duration_s = Math.Round(measured, 3),
    operations = total.TotalCount,
    errors = errors.Sum(),
    ops_per_s = Math.Round(total.TotalCount / measured, 1),
    p50_ms = Math.Round(total.PercentileMs(0.50), 3),
    p99_ms = Math.Round(total.PercentileMs(0.99), 3),
    p999_ms = Math.Round(total.PercentileMs(0.999), 3),
    max_ms = Math.Round(total.GetMaxValue() / 1000.0, 3),
    per_second = options.Timeline ? timeline.Take((int)Math.Ceiling(measured)).ToArray() : null,
};
Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
return 0;

// Polls for the stop file (bounded by the run's end) and cancels the clients once it exists.
static async Task WatchStopFileAsync(string path, long end, CancellationTokenSource stop)
{
    while (!stop.IsCancellationRequested && Stopwatch.GetTimestamp() < end)
    {
        if (File.Exists(path))
        {
            await stop.CancelAsync();
            return;
        }
        try
        {
            await Task.Delay(100, stop.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
    }
}

internal interface ITarget
{
    Task<bool> PutAsync(string endpoint, string key, string value);

    Task<bool> GetAsync(string endpoint, string key);
}

/// <summary>RaftCache REST: PUT /keys/{key} with a JSON envelope, GET /keys/{key} (linearizable).</summary>
internal sealed class RaftCacheTarget(HttpClient http, int ttlSeconds) : ITarget
{
    public async Task<bool> PutAsync(string endpoint, string key, string value)
    {
        using var content = new StringContent($$"""{"data":"{{value}}","ttl_seconds":{{ttlSeconds}}}""", Encoding.UTF8, "application/json");
        using var response = await http.PutAsync($"{endpoint}/keys/{key}", content);
        return response.StatusCode == HttpStatusCode.OK;
    }

    public async Task<bool> GetAsync(string endpoint, string key)
    {
        using var response = await http.GetAsync($"{endpoint}/keys/{key}");
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK;
    }
}

/// <summary>etcd 3.4's JSON gateway: POST /v3/kv/put and /v3/kv/range (linearizable by default), base64 keys and values.</summary>
internal sealed class EtcdTarget(HttpClient http) : ITarget
{
    public async Task<bool> PutAsync(string endpoint, string key, string value)
    {
        var body = $$"""{"key":"{{B64(key)}}","value":"{{B64(value)}}"}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{endpoint}/v3/kv/put", content);
        return response.StatusCode == HttpStatusCode.OK;
    }

    public async Task<bool> GetAsync(string endpoint, string key)
    {
        using var content = new StringContent($$"""{"key":"{{B64(key)}}"}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{endpoint}/v3/kv/range", content);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}

internal sealed record Options(string Target, string[] Endpoints, int Clients, int ValueBytes, double ReadRatio, double DurationSeconds, int Keys, double WarmupSeconds)
{
    public string? ApiKey { get; init; }

    /// <summary>Upper bound of any run (a fill of 1 GiB on a loaded machine can take many minutes).</summary>
    public const double MaxDurationSeconds = 3600;

    public string Mode { get; init; } = "load";

    public string KeyPrefix { get; init; } = "k";

    public int TtlSeconds { get; init; } = 3600;

    public string? StopFile { get; init; }

    public bool Timeline { get; init; }

    public static Options? Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i]] = args[i + 1];
        if (!map.TryGetValue("--endpoints", out var endpoints)) return null;
        var target = map.GetValueOrDefault("--target", "raftcache");
        if (target is not ("raftcache" or "etcd")) return null;
        var mode = map.GetValueOrDefault("--mode", "load");
        if (mode is not ("load" or "fill")) return null;
        double D(string name, double fallback) => map.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new Options(target, endpoints.Split(',', StringSplitOptions.RemoveEmptyEntries), (int)D("--clients", 16), (int)D("--value-bytes", 1024),
            D("--read-ratio", 0), D("--duration-s", 10), (int)D("--keys", 10_000), D("--warmup-s", 2))
        {
            ApiKey = map.GetValueOrDefault("--api-key") ?? Environment.GetEnvironmentVariable("RAFTCACHE_KEY"),
            Mode = mode,
            KeyPrefix = map.GetValueOrDefault("--key-prefix", "k"),
            TtlSeconds = (int)D("--ttl-seconds", 3600),
            StopFile = map.GetValueOrDefault("--stop-file"),
            Timeline = D("--timeline", 0) != 0,
        };
        return options.Clients is < 1 or > 4096 || options.DurationSeconds is <= 0 or > MaxDurationSeconds || options.ValueBytes < 0
            || options.Keys < 1 || options.TtlSeconds < 0 ? null : options;
    }
}
