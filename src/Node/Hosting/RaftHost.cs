// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Frozen;
using System.Threading.Channels;
using RaftCache.Node.Transport;
using RaftCache.Raft;
using RaftCache.Storage;

namespace RaftCache.Node.Hosting;

/// <summary>
/// The multi-raft host loop: every Raft group of this node is driven from one loop. Each iteration drains the
/// inbox (peer messages, proposals, reads, ticks), then takes every group's Ready and does its contract for all
/// groups at once: send what may go early, stage one WAL batch, apply committed entries and answer proposals and
/// reads; the batch's single fsync (group commit) runs off the loop, and when it returns the loop sends what had to
/// wait for durability and advances those groups. Apply happens on the loop after the network sends, so it never
/// delays a heartbeat that was already due.
/// <para>
/// One iteration is <see cref="RunOnce"/>. In production <see cref="StartAsync"/> runs it on a loop task whenever
/// work arrives; the seeded simulation calls <see cref="StartSteppedAsync"/> instead and runs iterations itself, over
/// a simulated WAL, network, clock and snapshot executor, so the code it checks is the code that ships.
/// </para>
/// </summary>
public sealed partial class RaftHost : IPeerMessageSink, IAsyncDisposable
{
    private readonly Channel<Action> _inbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<ulong, GroupReplica> _groups = [];
    private readonly IWriteAheadLog _wal;
    private readonly IPeerTransport _transport;
    private readonly TimeProvider _time;
    private readonly HostOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<ulong, List<GroupMessage>> _outbox = [];
    private FrozenDictionary<ulong, GroupReplica> _groupsView = FrozenDictionary<ulong, GroupReplica>.Empty;
    private ITimer? _ticker;
    private Task _loop = Task.CompletedTask;
    private int _tickPending;
    private ulong _nextReadId;
    private bool _stagedSinceSync;

    public RaftHost(HostOptions options, IWriteAheadLog wal, IPeerTransport transport, TimeProvider time, ILogger logger)
    {
        _options = options;
        // ReadIndex ids start at a per-process random point: a leader's answer to a read of this node's previous
        // incarnation must not match a new read that reuses its id (it would carry an older read index).
        _nextReadId = new SplitMix64(options.RandomSeed ^ 0x52454144UL).NextUInt64() & 0x7FFF_FFFF_0000_0000UL;
        _wal = wal;
        _transport = transport;
        _time = time;
        _logger = logger;
    }

    public ulong NodeId => _options.NodeId;

    /// <summary>Called on the loop at every tick, after the groups ticked (metadata housekeeping hooks in here).</summary>
    public event Action? Ticked;

    /// <summary>
    /// Asked on the loop when a message arrives for a group this node has no replica of: the state machine of a
    /// new, empty replica (its leader then fills it by snapshot or log), or null to drop the message. A replica
    /// being added to a group is created this way; nothing else creates groups after bootstrap.
    /// </summary>
    public Func<ulong, ulong, IGroupStateMachine?>? CreateOnDemand { get; set; }

    /// <summary>Called on the loop after a group applied committed entries.</summary>
    public event Action<ulong>? Applied;

    /// <summary>
    /// Runs the background part of taking a snapshot (writing its data file) or of sending one (reading it into the
    /// transport's frame), which then posts its completion back to the loop. A thread-pool task by default; a caller
    /// driving <see cref="RunOnce"/> may run it inline or later.
    /// </summary>
    public Action<Action> SnapshotExecutor { get; init; } = RunOnThreadPool;

    /// <summary>
    /// Completes the reads a leader's answer confirmed, off the loop, for callers whose continuations run on the
    /// thread pool (RaftHost.ReadAnswers.cs). The thread pool by default; a simulation runs it inline.
    /// </summary>
    public Action<Action> ReadAnswerExecutor { get; init; } = RunOnThreadPoolQueue;

    /// <summary>Watches the Ready stages (the simulation's oracle); null in production.</summary>
    internal IHostObserver? Observer { get; init; }

    /// <summary>
    /// Starts the transport and the tick timer only: the caller runs the iterations with <see cref="RunOnce"/>, from
    /// one thread at a time. Ticks, peer messages and requests queue until it does.
    /// </summary>
    public async Task StartSteppedAsync(CancellationToken cancellationToken)
    {
        await _transport.StartAsync(this, cancellationToken);
        _ticker = _time.CreateTimer(_ => EnqueueTick(), null, _options.Tick, _options.Tick);
    }

    /// <summary>The replica of <paramref name="groupId"/> on this node, if there is one. Safe from any thread.</summary>
    internal GroupReplica? TryGetReplica(ulong groupId) => Volatile.Read(ref _groupsView).GetValueOrDefault(groupId);

    internal IEnumerable<GroupReplica> Replicas => Volatile.Read(ref _groupsView).Values;

    /// <summary>When a frame from each peer last arrived (admin: a member's last heartbeat).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<ulong, DateTimeOffset> LastHeard { get; } = new();

    public void Deliver(ulong fromNode, IReadOnlyList<GroupMessage> batch)
    {
        LastHeard[fromNode] = _time.GetUtcNow();
        if (TryNoteLivenessOnly(fromNode, batch)) return;
        batch = TakeReadAnswers(batch);
        if (batch.Count > 0) Post(() => StepAll(fromNode, batch));
        else _heardOffLoop.Enqueue(fromNode);
    }

    private void StepAll(ulong fromNode, IReadOnlyList<GroupMessage> batch)
    {
        // One clock read per delivered batch, not per message: the batch arrived at one moment.
        var now = _time.GetUtcNow();
        NoteHeard(fromNode);
        foreach (var (groupId, message) in batch)
        {
            if (groupId == LivenessGroup) continue;
            if (!_groups.TryGetValue(groupId, out var replica) && !TryCreateOnDemand(groupId, fromNode, out replica)) continue;
            if (message.Type is MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot) replica.LastLeaderContact = now;
            else if (message.Type == MessageType.ReadIndex && (message.Context & LeaseReadBit) != 0) LeaseReadIndexReceived?.Invoke(groupId, fromNode);
            if (!WithholdsVote(replica, message) && !TryAnswerReadIndexFromLease(replica, message)) replica.Node.Step(message);
        }
    }

    /// <summary>
    /// Proposes <paramref name="command"/> to a group this node leads; completes when it is applied or known not to be.
    /// With <paramref name="continueOnLoop"/> the caller's continuation runs on the loop as the outcome is set, saving a
    /// thread-pool hop: only for a continuation that is short and never blocks (a forwarded write's reply).
    /// </summary>
    public Task<ProposalOutcome> ProposeAsync(ulong groupId, byte[] command, CancellationToken cancellationToken, bool continueOnLoop = false)
    {
        var completion = new TaskCompletionSource<ProposalOutcome>(continueOnLoop ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            if (!_groups.TryGetValue(groupId, out var replica))
            {
                completion.TrySetResult(ProposalOutcome.NotApplied);
                return;
            }
            // Never forwarded: this answer waits for the entry's own index, which a forwarded entry never tells.
            var result = replica.Node.Propose(command, forward: false);
            var (accepted, dropped) = replica.ProposalCounts;
            replica.ProposalCounts = result.Outcome == ProposeOutcome.Accepted ? (accepted + 1, dropped) : (accepted, dropped + 1);
            if (result.Outcome == ProposeOutcome.Accepted) replica.Proposals[result.Index] = (result.Term, completion);
            // Refused before reaching any log: not leader (the core never forwards here), transfer, limits.
            else completion.TrySetResult(ProposalOutcome.NotApplied);
        });
        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="action"/> on the loop and returns its result (admin and status queries).</summary>
    public Task<T> InvokeAsync<T>(Func<T> action)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                completion.TrySetResult(action());
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        });
        return completion.Task;
    }

    private void Post(Action work)
    {
        if (!_inbox.Writer.TryWrite(work)) throw new ObjectDisposedException(nameof(RaftHost));
    }

    private void EnqueueTick()
    {
        // Ticks coalesce: a slow loop sees one pending tick, not a backlog that would fire elections at once.
        if (Interlocked.Exchange(ref _tickPending, 1) == 0) _inbox.Writer.TryWrite(Tick);
    }

    private void Tick()
    {
        Volatile.Write(ref _tickPending, 0);
        NoteHeardOffLoop();
        _ticks += TakeWakeTicks();
        foreach (var replica in _groups.Values)
        {
            // A quiesced group costs no tick; its reads still expire (one this replica forwarded may never be answered).
            if (!replica.Node.Quiesced) replica.Node.Tick();
            ExpireReads(replica);
        }
        TickLiveness();
        RenewLeases();
        Ticked?.Invoke();
        MaybeSparseTicks();
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _ticker?.Dispose();
        _inbox.Writer.TryComplete();
        await _loop;
        StopSyncThread();
        await _transport.DisposeAsync();
    }
}
