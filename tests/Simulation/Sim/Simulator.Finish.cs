// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Checker;

namespace RaftCache.Simulation.Sim;

public sealed partial class Simulator
{
    /// <summary>Per-key budget of the final linearizability check; running out fails the run.</summary>
    private const int ConvergeDeadlineTicks = 3000;

    public static TimeSpan CheckerBudget { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The end of every run: heal everything (partitions, crashed and paused nodes, lossy links), require each
    /// group to accept a write again, wait for replicas to converge, then check the client history.
    /// </summary>
    private SimResult Finish()
    {
        Network.HealAll();
        _healAt = 0;
        Network.DropRate = 0;
        Network.DuplicateRate = 0;
        foreach (var node in Nodes)
        {
            node.PausedUntil = 0;
            if (!node.Up && !node.Gone) node.Restart();
        }

        Trace.Note(Now, "HEAL: all partitions healed, all nodes up, no loss");
        var deadline = Now + ProbeDeadlineTicks;
        while (!Workload.StepProbes())
        {
            if (Now > deadline) Fail("progress after healing", $"a write was not acknowledged within {ProbeDeadlineTicks} ticks of healing; leaders: {string.Join(", ", Enumerable.Range(1, Options.Groups).Select(g => $"g{g}=n{LeaderOf((ulong)g)}"))}");
            Step(startOps: false);
            Now++;
        }

        string? divergence = null;
        // Slow catch-up (one entry per append, two in flight) can take a while; a stuck replica still fails.
        for (var i = 0; i < ConvergeDeadlineTicks && (i < QuiesceTicks || !Converged(out divergence)); i++)
        {
            FinishJoins();
            Step(startOps: false);
            Now++;
        }

        if (!Converged(out divergence)) Fail("replicas converge", divergence!);
        var history = Workload.ResolvedHistory(out var applied, out var dropped);
        var verdict = LinearizabilityChecker.Check(history, CheckerBudget);
        if (!verdict.IsLinearizable) Fail("linearizability", verdict.ToString());
        return new SimResult(
            Options, Now, Trace.Hash, Trace.Events, Network.Sent, Network.Dropped, Network.Duplicated, _crashes, _partitions, _pauses,
            _confChanges, _transfers, _snapshots, Workload.Acknowledged, Workload.Failed, Workload.Unknown, applied, dropped, verdict, Oracle.ChecksRun);
    }

    /// <summary>Every member of each group's current configuration has applied the same index and holds the same state.</summary>
    private bool Converged(out string? why)
    {
        why = null;
        for (var g = Options.Cluster ? 0UL : 1UL; g <= (ulong)Options.Groups; g++)
        {
            var leader = LeaderOf(g);
            if (leader == 0)
            {
                why = $"g{g} has no leader";
                return false;
            }

            var lead = Nodes[(int)leader - 1].Replicas[g];
            var hash = lead.StateHash();
            var members = lead.Conf.Voters.Concat(lead.Conf.Learners).Concat(lead.Conf.VotersOutgoing).Distinct();
            foreach (var id in members)
            {
                var node = Nodes[(int)id - 1];
                if (!node.Replicas.TryGetValue(g, out var r) || r.Applied != lead.Applied || r.StateHash() != hash || r.Applied != lead.Commit)
                {
                    why = $"g{g} member n{id} applied {r?.Applied.ToString() ?? "-"} vs leader n{leader} applied {lead.Applied} commit {lead.Commit} (or state differs); n{id} {node.Describe(Now)}";
                    return false;
                }
            }
        }

        return !Options.Cluster || PlacementConverged(out why);
    }
}
