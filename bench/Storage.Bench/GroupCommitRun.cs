// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics;
using RaftCache.Raft;

namespace RaftCache.Storage.Bench;

/// <summary>
/// N proposers, each with one proposal in flight, submit entries of one size to 16 groups; one loop (the host's
/// storage loop) drains every pending proposal, stages them per group, syncs once and only then completes them.
/// </summary>
internal static class GroupCommitRun
{
    public static async Task<Result> RunAsync(string directory, int entryBytes, int proposers, int groups, TimeSpan duration)
    {
        Directory.CreateDirectory(directory);
        var options = new WalOptions { MaxSealedSegments = 10_000 }; // no compaction in a benchmark: never carry forward
        using var wal = WriteAheadLog.OpenDirectory(directory, options);
        var queue = new BlockingCollection<Proposal>();
        var loop = new Thread(() => CommitLoop(wal, queue, groups)) { IsBackground = true, Name = "group-commit" };
        loop.Start();

        var payload = new byte[entryBytes];
        Random.Shared.NextBytes(payload);
        var latencies = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        long completed = 0;
        var syncsBefore = _syncs;
        var workers = Enumerable.Range(0, proposers).Select(p => Task.Run(async () =>
        {
            var group = (ulong)(p % groups) + 1;
            while (clock.Elapsed < duration)
            {
                var started = clock.Elapsed.TotalMilliseconds;
                var proposal = new Proposal(group, payload);
                queue.Add(proposal);
                await proposal.Durable.Task;
                latencies.Add(clock.Elapsed.TotalMilliseconds - started);
                Interlocked.Increment(ref completed);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        queue.CompleteAdding();
        loop.Join();
        var syncs = _syncs - syncsBefore;
        var sorted = latencies.Order().ToArray();
        return new Result(entryBytes, proposers, groups, completed / elapsed, completed * (double)entryBytes / elapsed / 1e6,
            syncs / elapsed, completed / (double)Math.Max(syncs, 1), sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    private static long _syncs;

    private static void CommitLoop(WriteAheadLog wal, BlockingCollection<Proposal> queue, int groups)
    {
        var next = new ulong[groups + 1];
        Array.Fill(next, 1UL);
        var batch = new List<Proposal>();
        var perGroup = new List<Entry>[groups + 1];
        for (var g = 0; g <= groups; g++) perGroup[g] = [];
        foreach (var first in queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < 4096 && queue.TryTake(out var more)) batch.Add(more);
            foreach (var p in batch) perGroup[p.Group].Add(new Entry(next[p.Group]++, 1, EntryType.Normal, p.Data));
            for (var g = 1; g <= groups; g++)
            {
                if (perGroup[g].Count == 0) continue;
                wal.StageEntries((ulong)g, perGroup[g]);
                perGroup[g] = [];
            }

            wal.Sync();
            Interlocked.Increment(ref _syncs);
            foreach (var p in batch) p.Durable.SetResult();
            batch.Clear();
        }
    }

    private sealed class Proposal(ulong group, byte[] data)
    {
        public ulong Group { get; } = group;
        public byte[] Data { get; } = data;
        public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public readonly record struct Result(int EntryBytes, int Proposers, int Groups, double EntriesPerSecond, double MegabytesPerSecond,
        double SyncsPerSecond, double EntriesPerSync, double P50Ms, double P99Ms)
    {
        public string ToMarkdownRow() =>
            $"| {EntryBytes / 1024} KiB | {Proposers} | {Groups} | {EntriesPerSecond:F0} | {MegabytesPerSecond:F1} | {SyncsPerSecond:F0} | {EntriesPerSync:F1} | {P50Ms:F2} | {P99Ms:F2} |";
    }
}
