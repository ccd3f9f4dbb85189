// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Checker;

namespace RaftCache.Simulation.Sim;

/// <summary>
/// Clients issuing put / get (ReadIndex) / cas / put-if-absent / delete with unique values, one operation
/// in flight each, recording a history for the linearizability checker. History time is a logical event
/// counter, so no two events share a timestamp and the order is the simulation's own.
/// </summary>
public sealed partial class Workload
{
    private readonly Simulator _sim;
    private readonly Client[] _clients;
    private readonly Dictionary<long, Client> _active = [];
    private readonly Dictionary<(int Client, long Seq), (long Clock, KvResult Result)> _firstApplied = [];
    private readonly List<(KvOperation Op, int Client, long Seq)> _unknownWrites = [];
    private readonly Dictionary<(int Client, long Seq), byte[]> _issued = [];
    private long _nextOpId;
    private int _nextValue;

    public Workload(Simulator sim)
    {
        _sim = sim;
        _clients = [.. Enumerable.Range(1, sim.Options.Clients).Select(id => new Client(id, sim.Options.Groups))];
        _probes = [.. Enumerable.Range(1, sim.Options.Groups).Select(g => new Client(sim.Options.Clients + g, sim.Options.Groups))];
    }

    public KvHistory History { get; } = new();
    public long Clock { get; private set; }
    public int Acknowledged { get; private set; }
    public int Failed { get; private set; }
    public int Unknown { get; private set; }

    private sealed class Client(int id, int groups)
    {
        public int Id { get; } = id;
        public long Seq { get; set; }
        public ulong[] LeaderGuess { get; } = new ulong[groups];
        public Dictionary<string, long> Versions { get; } = new(StringComparer.Ordinal);
        public KvOperation? Op { get; set; }
        public long OpId { get; set; }
        public long Deadline { get; set; }
        public ulong Group { get; set; }
        public ulong Node { get; set; }

        /// <summary>Probe clients only: their post-heal write was acknowledged.</summary>
        public bool Done { get; set; }
    }

    public static ulong GroupOf(int keyIndex, int groups) => (ulong)(keyIndex % groups) + 1;

    /// <summary>Times out overdue operations and, when <paramref name="startNew"/>, lets idle clients start one.</summary>
    public void Step(bool startNew)
    {
        foreach (var client in _clients)
        {
            if (client.Op is not null && _sim.Now > client.Deadline) Indeterminate(client.OpId);
            if (client.Op is null && startNew && _sim.Random.NextDouble() < _sim.Options.OpRate) Start(client);
        }
    }

    private void Start(Client client)
    {
        var keyIndex = _sim.Random.Next(_sim.Options.Keys);
        var key = $"k{keyIndex}";
        var group = GroupOf(keyIndex, _sim.Options.Groups);
        var roll = _sim.Random.Next(100);
        var kind = roll < 30 ? KvOpKind.Put : roll < 65 ? KvOpKind.Get : roll < 80 ? KvOpKind.Cas : roll < 90 ? KvOpKind.PutIfAbsent : KvOpKind.Delete;
        // A stale expected version now and then (never a future one: its write count has no log index yet).
        var expected = client.Versions.GetValueOrDefault(key) - (_sim.Random.Next(4) == 0 ? _sim.Random.Next(2) : 0);
        var op = new KvOperation
        {
            ClientId = client.Id, Key = key, Kind = kind, CallTime = ++Clock, ExpectedVersion = expected,
            Value = kind == KvOpKind.Get || kind == KvOpKind.Delete ? null : $"c{client.Id}v{++_nextValue}",
        };
        Issue(client, op, group, PickNode(client, group));
    }

    private ulong PickNode(Client client, ulong group)
    {
        var guess = client.LeaderGuess[group - 1];
        var sticky = _sim.Options.StickyClients ? 8 : 2;
        if (guess != 0 && _sim.Random.Next(10) < sticky) return guess;

        // Mostly a node that hosts the group (clients know the shard map), sometimes any node.
        var hosts = _sim.Nodes.Where(n => n.Replicas.ContainsKey(group)).Select(n => n.Id).ToList();
        if (hosts.Count > 0 && _sim.Random.Next(10) < 8) return hosts[_sim.Random.Next(hosts.Count)];
        return (ulong)_sim.Random.Next(_sim.Nodes.Count) + 1;
    }

    private void Issue(Client client, KvOperation op, ulong group, ulong nodeId)
    {
        client.Op = op;
        client.OpId = ++_nextOpId;
        client.Deadline = _sim.Now + _sim.Options.OpTimeoutTicks;
        client.Group = group;
        client.Node = nodeId;
        _active[client.OpId] = client;
        var node = _sim.Nodes[(int)nodeId - 1];
        if (!node.Up)
        {
            Fail(client.OpId, 0);
            return;
        }

        if (op.Kind == KvOpKind.Get)
        {
            var lease = _sim.Options.LeaseReadRate > 0 && _sim.Random.NextDouble() < _sim.Options.LeaseReadRate;
            node.Read(client.OpId, group, op.Key, lease);
        }
        else
        {
            var command = new KvCommand(client.Id, ++client.Seq, op.Kind, op.Key, op.Value, op.ExpectedVersion);
            var bytes = command.Encode(_sim.Writes.IndexOf(group, op.Key, op.ExpectedVersion), _sim.NowMs);
            _issued[(command.ClientId, command.Seq)] = bytes;
            node.Propose(client.OpId, group, command, bytes);
        }
    }

    /// <summary>Every first apply of a command anywhere: at the end, unknown writes are resolved from it.</summary>
    public void OnApplied(in KvCommand command, KvResult result)
    {
        if (!_firstApplied.ContainsKey((command.ClientId, command.Seq))) _firstApplied[(command.ClientId, command.Seq)] = (++Clock, result);
    }

    public void Complete(long opId, KvResult result, ulong servedBy)
    {
        if (!_active.Remove(opId, out var client)) return;
        var op = client.Op!;
        client.LeaderGuess[client.Group - 1] = servedBy;
        client.Versions[op.Key] = result.Version;
        Acknowledged++;
        NoteProbe(client, KvOutcome.Ok);
        Finish(client, op with { ReturnTime = ++Clock, Outcome = KvOutcome.Ok, Found = result.Found, ReadValue = result.Value, ReadVersion = result.Version });
    }

    /// <summary>The request was refused before reaching any log: it definitely did not happen.</summary>
    public void Fail(long opId, ulong leaderHint)
    {
        if (!_active.Remove(opId, out var client)) return;
        client.LeaderGuess[client.Group - 1] = leaderHint;
        Failed++;
        Finish(client, client.Op! with { ReturnTime = ++Clock, Outcome = KvOutcome.Fail });
    }

    /// <summary>Timeout or crash of the serving node: the operation may or may not take effect.</summary>
    public void Indeterminate(long opId)
    {
        if (!_active.Remove(opId, out var client)) return;
        client.LeaderGuess[client.Group - 1] = 0;
        Unknown++;
        var op = client.Op! with { ReturnTime = long.MaxValue, Outcome = KvOutcome.Indeterminate };
        if (op.Kind != KvOpKind.Get) _unknownWrites.Add((op, client.Id, client.Seq));
        Finish(client, op, record: false);
    }

    private void Finish(Client client, KvOperation op, bool record = true)
    {
        client.Op = null;
        if (record) History.Add(op);
        var seq = op.Kind == KvOpKind.Get ? 0 : client.Seq;
        _sim.Trace.Add(_sim.Now, 50, (ulong)client.Id, (ulong)seq, (ulong)op.Outcome, (ulong)op.ReadVersion, () => $"client {op}");
    }

    public bool AnyActive => _active.Count > 0;

    /// <summary>True when a client issued exactly these bytes (no phantom or corrupted commands reach a state machine).</summary>
    public bool WasIssued(ReadOnlySpan<byte> data)
    {
        KvCommand? command;
        try
        {
            command = KvCommand.Decode(data);
        }
        catch (RaftCache.StateMachine.StateMachineFormatException)
        {
            return false;
        }
        return command is { } c && _issued.TryGetValue((c.ClientId, c.Seq), out var issued) && data.SequenceEqual(issued);
    }
}
