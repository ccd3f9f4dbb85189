// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Node.Hosting;

namespace RaftCache.Simulation.Sim;

public sealed partial class SimNode
{
    private readonly List<PendingOp> _pending = [];

    private abstract record PendingOp(long OpId, ulong Group);

    private sealed record PendingWrite(long OpId, ulong Group, int Client, long Seq, Task<ProposalOutcome> Outcome) : PendingOp(OpId, Group);

    private sealed record PendingRead(long OpId, ulong Group, string Key, ulong Floor, Task<bool> Confirmed, bool Lease, long Invoked) : PendingOp(OpId, Group);

    /// <summary>Proposes a client write through the production host (it answers when its index applies).</summary>
    public void Propose(long opId, ulong group, KvCommand command, byte[] bytes)
    {
        _pending.Add(new PendingWrite(opId, group, command.ClientId, command.Seq, Host?.ProposeAsync(group, bytes, CancellationToken.None) ?? Task.FromResult(ProposalOutcome.NotApplied)));
        _sim.Trace.Add(_sim.Now, 10, Id, group, (ulong)command.ClientId, (ulong)command.Seq, () => $"n{Id} g{group} propose c{command.ClientId}#{command.Seq} {command.Kind} {command.Key}={command.Value}");
    }

    /// <summary>A linearizable read: ReadIndex (or a lease read) through the production host, then the value from the production state machine.</summary>
    public void Read(long opId, ulong group, string key, bool lease = false)
    {
        var floor = _sim.Oracle.Group(group).CommitIndex;
        var host = Host;
        var confirmed = host is null ? Task.FromResult(false) : lease ? host.LeaseReadAsync(group, CancellationToken.None) : host.ReadIndexAsync(group, CancellationToken.None);
        _pending.Add(new PendingRead(opId, group, key, floor, confirmed, lease, _sim.Now));
        var kind = lease ? "lease-read" : "read-index";
        _sim.Trace.Add(_sim.Now, lease ? 12UL : 11UL, Id, group, floor, (ulong)opId, () => $"n{Id} g{group} {kind} {key} floor={floor}");
    }

    /// <summary>The replica's reported leader: a client's next guess after a refusal.</summary>
    public ulong LeaderHint(ulong group) => _replicas.TryGetValue(group, out var r) ? r.ReportedLeader : 0;

    /// <summary>Answers the clients whose requests the host completed (answers of a node blocked in a delayed sync wait for it).</summary>
    private void PollClients()
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            var op = _pending[i];
            var done = op switch
            {
                PendingWrite w => w.Outcome.IsCompleted,
                PendingRead r => r.Confirmed.IsCompleted,
                _ => false,
            };
            if (!done) continue;
            _pending.RemoveAt(i--);
            Answer(op);
        }
    }

    private void Answer(PendingOp op)
    {
        switch (op)
        {
            case PendingWrite w:
                var outcome = w.Outcome.Result;
                if (outcome.Status == ProposalStatus.NotApplied)
                {
                    _sim.Workload.Fail(w.OpId, LeaderHint(w.Group));
                }
                else if (outcome.Status == ProposalStatus.MayHaveApplied)
                {
                    _sim.Workload.Indeterminate(w.OpId);
                }
                else
                {
                    if (!_sim.Writes.TryGet(w.Client, w.Seq, out var applied)) _sim.Fail("acknowledged write applied", $"n{Id} acknowledged c{w.Client}#{w.Seq} which no replica applied");
                    if (_replicas.TryGetValue(w.Group, out var replica)) _sim.Oracle.CheckAckDurable(this, replica, applied.Index, applied.Term);
                    _sim.Workload.Complete(w.OpId, applied.Result, Id);
                }
                break;
            case PendingRead r:
                if (!r.Confirmed.Result || !_replicas.TryGetValue(r.Group, out var reader))
                {
                    _sim.Workload.Fail(r.OpId, LeaderHint(r.Group));
                    return;
                }
                _sim.Oracle.CheckRead(this, reader, r.Floor);
                // Answered by the first iteration after it was asked: no message round trip (at least two ticks) took
                // place, the lease served it.
                if (r.Lease && _sim.Now - r.Invoked <= 1 && _sim.Options.MinDelayTicks >= 1) _sim.Oracle.Count("lease read served from the lease");
                _sim.Workload.Complete(r.OpId, _sim.Oracle.ReadValue(this, reader, r.Key), Id);
                break;
        }
    }

    internal static byte[] KeyBytes(string key) => Encoding.UTF8.GetBytes(key);
}
