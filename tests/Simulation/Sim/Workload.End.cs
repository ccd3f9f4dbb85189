// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Checker;
using RaftCache.Raft;

namespace RaftCache.Simulation.Sim;

public sealed partial class Workload
{
    private readonly Client[] _probes;

    /// <summary>
    /// After healing, each group must accept a write again. Returns true once every group's probe write was
    /// acknowledged; called every tick, it (re)issues a probe to the node that currently leads.
    /// </summary>
    public bool StepProbes()
    {
        var done = true;
        for (var g = 0; g < _probes.Length; g++)
        {
            var probe = _probes[g];
            if (probe.Done) continue;
            done = false;
            if (probe.Op is not null && _sim.Now > probe.Deadline) Indeterminate(probe.OpId);
            if (probe.Op is not null) continue;
            var group = (ulong)g + 1;
            var leader = _sim.LeaderOf(group);
            if (leader == 0) continue;
            var key = $"k{g}";
            var op = new KvOperation { ClientId = probe.Id, Key = key, Kind = KvOpKind.Put, CallTime = ++Clock, Value = $"probe{group}v{++_nextValue}" };
            Issue(probe, op, GroupOf(g, _sim.Options.Groups), leader);
        }

        return done;
    }

    /// <summary>Marks a probe done when its write is acknowledged (called from <see cref="Complete"/>'s caller path).</summary>
    private void NoteProbe(Client client, KvOutcome outcome)
    {
        if (outcome == KvOutcome.Ok && client.Id > _sim.Options.Clients) client.Done = true;
    }

    /// <summary>
    /// The history to check: indeterminate writes that some replica applied become acknowledged at their first
    /// apply (their effect happened by then, and the log decides Cas outcomes); those in no log after the run
    /// quiesced never happened and are dropped; the rest stay open.
    /// </summary>
    public List<KvOperation> ResolvedHistory(out int resolvedApplied, out int resolvedDropped)
    {
        var inLogs = new HashSet<(int, long)>();
        foreach (var node in _sim.Nodes)
        {
            foreach (var replica in node.Replicas.Values.Where(r => r.Group != Node.Hosting.CacheNode.MetadataGroup))
            {
                var log = replica.Log;
                if (log.LastIndex < log.FirstIndex) continue;
                foreach (var e in log.Entries(log.FirstIndex, log.LastIndex + 1, long.MaxValue))
                {
                    if (e.Type != EntryType.Normal || e.Data.Length == 0) continue;
                    if (KvCommand.Decode(e.Data.Span) is { } c) inLogs.Add((c.ClientId, c.Seq));
                }
            }
        }

        var result = new List<KvOperation>(History.Snapshot());
        resolvedApplied = resolvedDropped = 0;
        foreach (var (op, client, seq) in _unknownWrites)
        {
            if (_firstApplied.TryGetValue((client, seq), out var applied))
            {
                resolvedApplied++;
                result.Add(op with { Outcome = KvOutcome.Ok, ReturnTime = applied.Clock, Found = applied.Result.Found, ReadValue = applied.Result.Value, ReadVersion = applied.Result.Version });
            }
            else if (inLogs.Contains((client, seq)))
            {
                result.Add(op);
            }
            else
            {
                resolvedDropped++;
            }
        }

        return result;
    }
}
