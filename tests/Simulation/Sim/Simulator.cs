// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Time.Testing;
using RaftCache.Checker;
using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

/// <summary>What a completed run did: enough to show it injected faults and that its checks ran.</summary>
public sealed record SimResult(
    SimOptions Options, long Ticks, ulong TraceHash, long Events, long MessagesSent, long MessagesDropped, long MessagesDuplicated,
    int Crashes, int Partitions, int Pauses, int ConfChangesProposed, int Transfers, int Snapshots,
    int Acknowledged, int Failed, int Unknown, int UnknownResolvedApplied, int UnknownDropped, CheckResult Linearizability,
    IReadOnlyDictionary<string, long> ChecksRun)
{
    public override string ToString() =>
        $"ticks={Ticks} events={Events} msgs={MessagesSent} dropped={MessagesDropped} dup={MessagesDuplicated} crashes={Crashes} partitions={Partitions} "
        + $"pauses={Pauses} confchanges={ConfChangesProposed} transfers={Transfers} snapshots={Snapshots} ops ok={Acknowledged} fail={Failed} "
        + $"unknown={Unknown} (applied {UnknownResolvedApplied}, dropped {UnknownDropped}) {Linearizability} trace={TraceHash:x16}";
}

/// <summary>
/// A deterministic, single-threaded discrete-event simulation of a RaftCache cluster: N nodes, each the
/// production host (<c>RaftHost</c>) with production cache state machines, hosting G Raft groups, a faulty
/// network, disks that lose unsynced writes, clients, and the oracle checking every step. All randomness comes
/// from one SplitMix64 seeded by <see cref="SimOptions.Seed"/>; time is a fake clock the simulator advances.
/// </summary>
public sealed partial class Simulator
{
    private const int QuiesceTicks = 50;
    private const int ProbeDeadlineTicks = 600;

    /// <summary>Simulated time per tick; also the hosts' tick period, so every host ticks once per simulated tick.</summary>
    public static readonly TimeSpan TickLength = TimeSpan.FromMilliseconds(100);

    public Simulator(SimOptions options)
    {
        Options = options;
        Random = new SplitMix64(options.Seed);
        Network = new Network(options.Nodes, Random)
        {
            MinDelay = options.MinDelayTicks, MaxDelay = options.MaxDelayTicks, DropRate = options.DropRate, DuplicateRate = options.DuplicateRate,
        };
        Oracle = new Oracle(this);
        Workload = new Workload(this);
        Nodes = [.. Enumerable.Range(1, options.Nodes).Select(id => new SimNode(this, (ulong)id))];
    }

    public SimOptions Options { get; }
    public SplitMix64 Random { get; }
    public Network Network { get; }
    public Oracle Oracle { get; }
    public Workload Workload { get; }
    public Trace Trace { get; } = new();
    public Writes Writes { get; } = new();

    /// <summary>The clock of every host (ticks, "last heard"); only the simulator advances it.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();
    public IReadOnlyList<SimNode> Nodes { get; }
    public long Now { get; private set; }

    /// <summary>How many trace lines a failure prints (RAFTCACHE_SIM_TAIL overrides, for debugging a replay).</summary>
    public static int TailLines { get; set; } = int.TryParse(Environment.GetEnvironmentVariable("RAFTCACHE_SIM_TAIL"), out var n) ? n : 60;

    public static SimResult Run(SimOptions options) => new Simulator(options).Run();

    /// <summary>A snapshot was taken or installed somewhere.</summary>
    public void CountSnapshot() => _snapshots++;

    public SimResult Run()
    {
        try
        {
            Bootstrap();
            for (; Now < Options.MainTicks; Now++)
            {
                InjectFaults();
                Step(startOps: true);
            }

            return Finish();
        }
        catch (SimulationFailure)
        {
            throw;
        }
        catch (SimInvariantException e)
        {
            throw new SimulationFailure(Options, e.Invariant, Now, e.Message, Trace.Tail(TailLines), e);
        }
        catch (Exception e)
        {
            throw new SimulationFailure(Options, $"core raised {e.GetType().Name}", Now, e.Message, Trace.Tail(TailLines), e);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void Fail(string invariant, string detail) => throw new SimulationFailure(Options, invariant, Now, detail, Trace.Tail(TailLines));

    /// <summary>The node that leads <paramref name="group"/> in the highest term among running nodes, or 0.</summary>
    public ulong LeaderOf(ulong group)
    {
        ulong leader = 0, term = 0;
        foreach (var node in Nodes)
        {
            if (node.Up && node.Replicas.TryGetValue(group, out var r) && r.Role == RaftRole.Leader && r.Term >= term)
            {
                leader = node.Id;
                term = r.Term;
            }
        }

        return leader;
    }

    private void Bootstrap()
    {
        Trace.Note(0, $"options {Options}");
        var groups = Enumerable.Range(1, Options.Groups).Select(g => (Group: (ulong)g, Voters: (IReadOnlyList<ulong>)InitialVoters((ulong)g))).ToList();
        foreach (var node in Nodes)
        {
            if (Options.Cluster) node.BootstrapNode();
            else node.Bootstrap(groups.Where(g => g.Voters.Contains(node.Id)));
        }
    }

    /// <summary>Three voters per group; with five nodes each group starts on a different three, leaving spares for membership changes.</summary>
    private List<ulong> InitialVoters(ulong group) =>
        Options.Nodes <= 3 ? [.. Enumerable.Range(1, Options.Nodes).Select(i => (ulong)i)]
            : [.. Enumerable.Range(0, 3).Select(k => (ulong)(((int)group - 1 + k) % Options.Nodes) + 1).Order()];

    /// <summary>One tick: deliver due messages, advance the clock (every host's tick), run each node's host iterations, let clients act.</summary>
    private void Step(bool startOps)
    {
        while (Network.TryNext(Now, out var envelope, out var lost))
        {
            var target = Nodes[(int)envelope.To - 1];
            if (lost || target.Host is not { } host) continue;
            if (target.Transport.Admits(envelope.From, Nodes[(int)envelope.From - 1].Transport)) host.Deliver(envelope.From, [envelope.Message]);
            else Trace.Add(Now, 21, envelope.From, envelope.To, 0, 0, () => $"n{envelope.To} refuses a frame from n{envelope.From}");
        }

        Time.Advance(TickLength);

        foreach (var node in Nodes)
        {
            if (!node.Up && Now >= node.RestartAt && node.RestartAt > 0)
            {
                node.Restart();
                if (Options.Cluster) CheckKnownAddresses(node);
            }
            node.RunTick(Now);
        }

        Oracle.CheckQuiescence();
        if (Options.Cluster) StepMembership();
        Workload.Step(startOps);
    }
}
