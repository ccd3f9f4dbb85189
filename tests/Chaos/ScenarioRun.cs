// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;

namespace RaftCache.Chaos;

/// <summary>
/// One scenario run end to end: fresh cluster, clients + nemesis for the fault phase, heal, a few seconds of
/// service after healing, final reads, replica convergence, then every checker. On any failure the history, the
/// nemesis log and every node's log are kept under the results folder and the seed is printed.
/// </summary>
public sealed class ScenarioRun(Scenario scenario, int nodes, int seed, Action<string> output)
{
    public sealed record Figures(int Operations, int Ok, int Failed, int Indeterminate, int Faults, int Reconfigurations, int KeysChecked, TimeSpan CheckTime);

    public async Task<Figures> RunAsync()
    {
        var runId = $"{scenario.ToString().ToLowerInvariant()}-{seed}";
        var faultSeconds = ChaosSettings.FaultSecondsOf(scenario);
        output($"chaos {scenario}: seed {seed} (replay: RAFTCACHE_CHAOS_SEED={seed}), {nodes} nodes, {faultSeconds} s of faults");
        var clock = Stopwatch.StartNew();
        var cluster = await ChaosCluster.StartAsync(nodes, runId, Nemesis.FeaturesOf(scenario));
        var nemesis = new Nemesis(cluster, scenario, seed, clock);
        var keys = new KeySpace(ChaosSettings.Keys);
        var workload = new Workload(cluster, keys, seed, ChaosSettings.Clients);
        var problems = new List<string>();
        var history = (IReadOnlyList<ChaosOp>)[];
        var finals = (IReadOnlyList<ChaosOp>)[];

        // The clients must stop on every path: left running after a failed run they would write into the next
        // scenario's cluster (same addresses), whose checker would then see values nobody in its history wrote.
        using var stop = new CancellationTokenSource();
        var clients = workload.RunAsync(stop.Token);
        try
        {
            try
            {
                await nemesis.RunAsync(clock.Elapsed + TimeSpan.FromSeconds(faultSeconds));
                // Heal, then settle the membership change in progress (admitted, or removed and retired), and only
                // then wait for readiness: a member removed during the faults can never become ready again.
                await cluster.HealAsync();
                problems.AddRange(await nemesis.FinishAsync(TimeSpan.FromSeconds(60)));
                await cluster.WaitReadyAsync(TimeSpan.FromSeconds(60));
            }
            finally
            {
                await Partitions.HealAsync();
            }

            var healed = Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromSeconds(5)); // clients keep running on the healed cluster: service must resume
            await stop.CancelAsync();
            await clients;
            history = workload.History();

            // Placement and replicas first (settled, and agreeing once nothing writes), then one linearizable read of
            // every key, then the same keys read in local mode on every member, which must match it exactly.
            var converged = await Convergence.CheckAsync(cluster, TimeSpan.FromSeconds(60));
            problems.AddRange(converged);
            var (reads, unreadable) = await workload.FinalReadsAsync(TimeSpan.FromSeconds(60));
            finals = reads;
            problems.AddRange(unreadable.Select(k => $"service did not resume: key {k} could not be read after healing"));
            if (!history.Any(op => op is { Outcome: OpOutcome.Ok, Kind: OpKind.Put } && op.Call > healed))
                problems.Add("service did not resume: no write was acknowledged in the 5 s after healing");
            foreach (var (from, to, fault) in nemesis.ServiceWindows)
            {
                if (!history.Any(op => op is { Outcome: OpOutcome.Ok, Kind: OpKind.Put } && op.Return > from && op.Return < to))
                    problems.Add($"service stopped: no write was acknowledged during the {fault}");
            }

            if (converged.Count == 0) problems.AddRange(await Convergence.LocalReadsAsync(cluster, finals));
            problems.AddRange(HistoryChecks.Anomalies(history, finals));

            var checkClock = Stopwatch.StartNew();
            var verdict = RegisterChecker.Check(history.Concat(finals), TimeSpan.FromSeconds(15));
            checkClock.Stop();
            if (!verdict.Ok) problems.Add(verdict.ToString());
            var figures = new Figures(history.Count + finals.Count, history.Count(o => o.Outcome == OpOutcome.Ok) + finals.Count,
                history.Count(o => o.Outcome == OpOutcome.Fail), history.Count(o => o.Outcome == OpOutcome.Indeterminate),
                nemesis.Faults, nemesis.Reconfigurations, verdict.Keys, checkClock.Elapsed);
            var summary = $"chaos {scenario} seed {seed} nodes {nodes}: {figures.Operations} ops ({figures.Ok} ok, {figures.Failed} fail, " +
                $"{figures.Indeterminate} indeterminate), {figures.Faults} faults, {figures.Reconfigurations} membership changes, {figures.KeysChecked} keys checked in " +
                $"{figures.CheckTime.TotalSeconds:F1} s, {problems.Count} anomalies, {clock.Elapsed.TotalSeconds:F0} s total";
            output(summary);
            await AppendSummaryAsync(summary);
            await KeepHistoryAsync(runId, history.Concat(finals), nemesis);
            if (problems.Count > 0)
            {
                var folder = await SaveAsync(runId, cluster, nemesis, history, finals, problems);
                throw new ChaosFailure($"chaos {scenario} seed {seed} FAILED ({problems.Count} problems; kept in {folder}; " +
                    $"replay: RAFTCACHE_CHAOS_SEED={seed}):\n{string.Join("\n", problems.Take(10))}\nnemesis log:\n{string.Join("\n", nemesis.Log)}");
            }

            foreach (var line in nemesis.Log) output(line);
            return figures;
        }
        catch (Exception e) when (e is not ChaosFailure)
        {
            var folder = await SaveAsync(runId, cluster, nemesis, history.Count > 0 ? history : workload.History(), finals, [e.ToString()]);
            output($"chaos {scenario} seed {seed} ERROR, kept in {folder} (replay: RAFTCACHE_CHAOS_SEED={seed})");
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await clients;
            await cluster.DisposeAsync();
        }
    }

    private static async Task<string> SaveAsync(string runId, ChaosCluster cluster, Nemesis nemesis, IReadOnlyList<ChaosOp> history,
        IReadOnlyList<ChaosOp> finals, IReadOnlyList<string> problems)
    {
        var folder = Path.Combine(ChaosSettings.ResultsRoot, runId);
        Directory.CreateDirectory(folder);
        await File.WriteAllLinesAsync(Path.Combine(folder, "problems.txt"), problems);
        await File.WriteAllLinesAsync(Path.Combine(folder, "nemesis.log"), nemesis.Log);
        await HistoryFile.WriteAsync(Path.Combine(folder, "history.jsonl"), history.Concat(finals));
        await File.WriteAllLinesAsync(Path.Combine(folder, "history.txt"),
            history.Concat(finals).OrderBy(o => o.Key, StringComparer.Ordinal).ThenBy(o => o.Call).Select(o => o.ToString()));
        await File.WriteAllTextAsync(Path.Combine(folder, "partitions.txt"), await Partitions.ListAsync());
        await cluster.SaveLogsAsync(folder);
        return folder;
    }

    /// <summary>Every run, passed or failed, leaves its history (JSON Lines) and nemesis log for independent checkers.</summary>
    private async Task KeepHistoryAsync(string runId, IEnumerable<ChaosOp> operations, Nemesis nemesis)
    {
        var folder = Path.Combine(ChaosSettings.ResultsRoot, runId);
        Directory.CreateDirectory(folder);
        await HistoryFile.WriteAsync(Path.Combine(folder, "history.jsonl"), operations);
        await File.WriteAllLinesAsync(Path.Combine(folder, "nemesis.log"), nemesis.Log);
        output($"history: {Path.Combine(folder, "history.jsonl")}");
    }

    private static async Task AppendSummaryAsync(string line)
    {
        Directory.CreateDirectory(ChaosSettings.ResultsRoot);
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        await File.AppendAllTextAsync(Path.Combine(ChaosSettings.ResultsRoot, "summary.log"), $"{stamp} {line}\n");
    }
}

/// <summary>A chaos run found an anomaly (its message carries the seed and where the evidence is kept).</summary>
public sealed class ChaosFailure(string message) : Exception(message);
