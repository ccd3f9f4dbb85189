// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Chaos;

/// <summary>
/// Concurrent clients (one operation in flight each) issuing PUT (unique values), GET in all three consistency
/// modes, If-Match CAS (against the version the client last read) and DELETE on the live keys, each against a
/// random node, at most <see cref="ChaosSettings.ClientRate"/> operations per second per client. Every operation is
/// recorded with its interval and outcome.
/// </summary>
public sealed class Workload(ChaosCluster cluster, KeySpace keys, int seed, int clients)
{
    private static readonly TimeSpan Pace = TimeSpan.FromSeconds(1.0 / ChaosSettings.ClientRate);
    private readonly List<ChaosOp> _history = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<ChaosOp> History()
    {
        lock (_lock) return [.. _history];
    }

    /// <summary>Runs every client until <paramref name="stop"/> fires; in-flight calls finish within the client timeout.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(id => Task.Run(() => ClientLoopAsync(id, stop), CancellationToken.None)));

    private async Task ClientLoopAsync(int id, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(seed, id));
        var lastRead = new Dictionary<string, (string Value, ulong Version)>(StringComparer.Ordinal);
        var sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            var key = keys.Take(random.Next(keys.Slots));
            var nodes = cluster.Nodes; // changes as members join and leave
            var node = nodes[random.Next(nodes.Count)];
            var roll = random.Next(100);
            var op = new ChaosOp { Client = id, Key = key, Node = node, Kind = OpKind.Get, Call = 0, Mode = ReadModeOf(random.Next(10)) };
            if (roll < 35) op = op with { Kind = OpKind.Put, Value = $"c{id}-{++sequence}" };
            else if (roll < 50)
            {
                // CAS against the version this client last read of the key; without one, read first.
                if (lastRead.TryGetValue(key, out var read))
                    op = op with { Kind = OpKind.Cas, Value = $"c{id}-{++sequence}", ExpectedValue = read.Value, ExpectedVersion = read.Version };
            }
            else if (roll < 58)
            {
                op = op with { Kind = OpKind.Delete };
            }

            var done = await ChaosClient.RunAsync(op);
            lock (_lock) _history.Add(done);
            if (done is { Kind: OpKind.Get, Outcome: OpOutcome.Ok, Found: true, Mode: not ReadMode.Local }) lastRead[key] = (done.ReadValue!, done.Version);

            // Pacing keeps the load the nodes see steady on two shared cores.
            var left = Pace - Stopwatch.GetElapsedTime(started);
            if (left > TimeSpan.Zero && !stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(left, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Half the reads linearizable, three in ten lease, two in ten local.</summary>
    private static ReadMode ReadModeOf(int roll) => roll switch
    {
        < 5 => ReadMode.Linearizable,
        < 8 => ReadMode.Lease,
        _ => ReadMode.Local,
    };

    /// <summary>
    /// After healing: one linearizable read of every key ever used, retried (bounded) until it succeeds. These
    /// reads join the history, so the checker must explain them; a key that cannot be read at all is reported.
    /// </summary>
    public async Task<(IReadOnlyList<ChaosOp> Reads, IReadOnlyList<string> Unreadable)> FinalReadsAsync(TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var reads = new List<ChaosOp>();
        var unreadable = new List<string>();
        var attempt = 0;
        foreach (var key in keys.AllKeys())
        {
            ChaosOp? ok = null;
            while (ok is null && clock.Elapsed < within)
            {
                var members = cluster.Members;
                var node = members[attempt++ % members.Count];
                var read = await ChaosClient.RunAsync(new ChaosOp { Client = -1, Key = key, Node = node, Kind = OpKind.Get, Call = 0 });
                if (read.Outcome == OpOutcome.Ok) ok = read;
            }

            if (ok is null) unreadable.Add(key);
            else reads.Add(ok);
        }

        return (reads, unreadable);
    }
}
