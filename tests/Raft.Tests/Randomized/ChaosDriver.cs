// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Raft.Tests.Interaction;

namespace RaftCache.Raft.Tests.Randomized;

/// <summary>
/// A small seeded fault driver over <see cref="InteractionEnv"/>: random ticks, Ready processing,
/// delivery in random order, drops, duplicates, partitions, crash-restarts, proposals, membership
/// changes, transfers and compactions. After every step it checks election safety, state machine
/// safety (every applied index has one value across the group), leader completeness and that the
/// persisted commit index never goes backwards. The full simulation lives in tests/Simulation; this
/// one keeps the core honest inside its own test project.
/// </summary>
internal sealed class ChaosDriver
{
    private readonly InteractionEnv _env;
    private readonly SplitMix64 _rng;
    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];
    private readonly Dictionary<ulong, (ulong Term, string Data)> _applied = [];
    private readonly Dictionary<ulong, ulong> _persistedCommit = [];
    private readonly List<ulong> _ids;
    private int _proposals;

    public ChaosDriver(ulong seed, int nodes, PlantedBugs bugs = PlantedBugs.None)
    {
        _rng = new SplitMix64(seed);
        _env = new InteractionEnv(seed);
        _ids = [.. Enumerable.Range(1, nodes).Select(i => (ulong)i)];
        var options = new InteractionEnv.NodeOptions { Bugs = bugs, MaxMessageBytes = 200 };
        foreach (var id in _ids) _env.AddNode(id, options, _ids);
    }

    public int Step { get; private set; }

    /// <summary>Distinct committed indexes applied somewhere, and terms that had a leader: proof the run made progress.</summary>
    public int AppliedIndexes => _applied.Count;

    public int LeaderTerms => _leaderOfTerm.Count;

    /// <summary>Runs <paramref name="steps"/> random steps; returns the first violated invariant, or null.</summary>
    public string? Run(int steps)
    {
        for (Step = 0; Step < steps; Step++)
        {
            try
            {
                Act();
                var violation = Check();
                if (violation is not null) return $"step {Step}: {violation}";
            }
            catch (InvalidOperationException e)
            {
                return $"step {Step}: {e.GetType().Name}: {e.Message}";
            }
        }

        return null;
    }

    /// <summary>A fingerprint of every node's persisted log and hard state, to compare runs.</summary>
    public string Fingerprint()
    {
        var sb = new StringBuilder();
        foreach (var n in _env.Nodes.Values)
        {
            sb.Append(n.Id).Append(' ').Append(n.Log.HardState).Append(' ').Append(n.Log.FirstIndex).Append('\n');
            if (n.Log.LastIndex >= n.Log.FirstIndex)
            {
                foreach (var e in n.Log.Entries(n.Log.FirstIndex, n.Log.LastIndex + 1, long.MaxValue)) sb.Append(ReadyFormatter.Describe(e)).Append('\n');
            }
        }

        return sb.ToString();
    }

    public string Dump()
    {
        var sb = new StringBuilder();
        foreach (var n in _env.Nodes.Values)
        {
            foreach (var line in ReadyFormatter.Status(n.Raw.Status())) sb.AppendLine(line);
            sb.AppendLine($"   hasReady={n.Raw.HasReady()} persisted last={n.Log.LastIndex} first={n.Log.FirstIndex} {n.Log.HardState}");
        }

        sb.AppendLine($"pending messages: {_env.Messages.Count}");
        foreach (var m in _env.Messages.Take(20)) sb.AppendLine("  " + ReadyFormatter.Describe(m));
        return sb.ToString();
    }

    private ulong RandomNode() => _ids[_rng.Next(_ids.Count)];

    private void Act()
    {
        var roll = _rng.Next(1000);
        if (roll < 150) _env[RandomNode()].Raw.Tick();
        else if (roll < 450) _env.ProcessReady(RandomNode());
        else if (roll < 800) DeliverOne(duplicate: false);
        else if (roll < 820) DeliverOne(duplicate: true);
        else if (roll < 850) DropOne();
        else if (roll < 950) Propose();
        else if (roll < 965) Partition();
        else if (roll < 972) Crash();
        else if (roll < 984) ChangeMembership();
        else if (roll < 990) Transfer();
        else Compact();
    }

    private void DeliverOne(bool duplicate)
    {
        if (_env.Messages.Count == 0) return;
        var m = _env.Messages[_rng.Next(_env.Messages.Count)];
        if (!duplicate) _env.Messages.Remove(m);
        if (_env.IsCut(m)) return;
        _env[m.To].Raw.Step(m);
    }

    private void DropOne()
    {
        if (_env.Messages.Count > 0) _env.Messages.RemoveAt(_rng.Next(_env.Messages.Count));
    }

    private void Propose()
    {
        var data = Encoding.UTF8.GetBytes($"p{_proposals++}");
        _env[RandomNode()].Raw.Propose(data);
    }

    private void Partition()
    {
        _env.Heal();
        if (_rng.Next(2) == 0) _env.Isolate(RandomNode());
    }

    private void Crash()
    {
        var id = RandomNode();
        _env.Messages.RemoveAll(m => m.To == id);
        _env.Restart(id);
    }

    private void ChangeMembership()
    {
        // Remove or re-add one member; the membership never drops below three voters.
        var leader = _env.Leader();
        if (leader == 0) return;
        var conf = _env[leader].Raw.Status().ConfState;
        var target = RandomNode();
        ConfChangeSingle change;
        if (!conf.Voters.Contains(target)) change = new ConfChangeSingle(_rng.Next(3) == 0 ? ConfChangeType.AddLearner : ConfChangeType.AddVoter, target);
        else if (conf.Voters.Length > 3) change = new ConfChangeSingle(_rng.Next(2) == 0 ? ConfChangeType.AddLearner : ConfChangeType.RemoveNode, target);
        else return;
        _env[leader].Raw.ProposeConfChange(new ConfChange { Changes = [change] });
    }

    private void Transfer()
    {
        var leader = _env.Leader();
        if (leader != 0) _env[leader].Raw.TransferLeadership(RandomNode());
    }

    private void Compact()
    {
        var node = _env[RandomNode()];
        var index = node.AppliedIndex;
        if (index <= node.Log.FirstIndex || index > node.Log.LastIndex) return;
        node.Log.CreateSnapshot(index, ConfStateAt(node, index), Encoding.UTF8.GetBytes($"snap{index}"));
        node.Log.Compact(index);
    }

    private static ConfState ConfStateAt(TestNode node, ulong index)
    {
        // Replay the configuration changes the node applied up to index on top of its last snapshot.
        var snapshot = node.Log.Snapshot();
        var voters = new SortedSet<ulong>(snapshot?.Metadata.ConfState.Voters ?? []);
        var learners = new SortedSet<ulong>(snapshot?.Metadata.ConfState.Learners ?? []);
        foreach (var e in node.Applied.Where(e => e.Index <= index && e.Type == EntryType.ConfChange))
        {
            foreach (var c in ConfChangeCodec.Decode(e.Data.Span).Changes)
            {
                voters.Remove(c.NodeId);
                learners.Remove(c.NodeId);
                if (c.Type == ConfChangeType.AddVoter) voters.Add(c.NodeId);
                if (c.Type == ConfChangeType.AddLearner) learners.Add(c.NodeId);
            }
        }

        return new ConfState { Voters = [.. voters], Learners = [.. learners] };
    }

    private string? Check()
    {
        foreach (var node in _env.Nodes.Values)
        {
            var st = node.Raw.Status();
            if (st.SoftState.Role == RaftRole.Leader)
            {
                if (_leaderOfTerm.TryGetValue(st.HardState.Term, out var other) && other != node.Id)
                    return $"two leaders in term {st.HardState.Term}: {other} and {node.Id}";
                _leaderOfTerm[st.HardState.Term] = node.Id;
                foreach (var (index, (term, _)) in _applied)
                {
                    if (index >= node.Log.FirstIndex && index <= st.LastIndex && node.Log.TryGetTerm(index, out var t) && t != term)
                        return $"leader {node.Id} of term {st.HardState.Term} lacks committed entry {term}/{index}";
                }
            }

            foreach (var e in node.Applied)
            {
                var data = Encoding.UTF8.GetString(e.Data.Span) + e.Type;
                if (_applied.TryGetValue(e.Index, out var seen))
                {
                    if (seen.Term != e.Term || seen.Data != data)
                        return $"node {node.Id} applied {e.Term}/{e.Index} {data}, another applied {seen.Term}/{e.Index} {seen.Data}";
                }
                else
                {
                    _applied[e.Index] = (e.Term, data);
                }
            }

            var commit = node.Log.HardState.Commit;
            if (_persistedCommit.TryGetValue(node.Id, out var before) && commit < before)
                return $"node {node.Id} persisted commit went back from {before} to {commit}";
            _persistedCommit[node.Id] = commit;
        }

        return null;
    }
}
