// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Hosting;

/// <summary>
/// Sparse ticks while the node is idle. When every group on this node is quiesced and nothing waits (no proposal,
/// read, sync or snapshot send), a tick has nothing to do but liveness: quiesced groups count no ticks, and liveness
/// frames go out every <see cref="HostOptions.LivenessTicks"/> ticks anyway. So the tick timer then fires every
/// <see cref="HostOptions.IdleTicksPerWake"/> ticks and each firing counts that many ticks, and the first iteration
/// that finds work again (a message that woke a group, a proposal, a read) counts the whole ticks already elapsed
/// and puts the timer back to every tick. Time measured in ticks still follows the clock; only its granularity while
/// idle is coarser. The cost is in failure detection: a quiesced follower looks at its leader's silence only at a
/// firing, so it wakes at most <see cref="HostOptions.IdleTicksPerWake"/> − 1 ticks later than with a tick every
/// <see cref="HostOptions.Tick"/>: within ElectionTicks + LivenessTicks + IdleTicksPerWake ticks of the leader's last
/// frame (docs/reliability.md).
/// </summary>
public sealed partial class RaftHost
{
    // Ticks one firing of the timer stands for: 1, or IdleTicksPerWake while idle. Only the loop writes it.
    private int _ticksPerWake = 1;

    // When the last firing was counted, so that going back to a tick every Tick counts the ticks elapsed since.
    private long _lastTickAt;

    /// <summary>Ticks counted since this host started (housekeeping schedules itself on them).</summary>
    public long Ticks => _ticks;

    /// <summary>True while the tick timer fires only every <see cref="HostOptions.IdleTicksPerWake"/> ticks.</summary>
    public bool SparseTicks => _ticksPerWake > 1;

    private int IdleTicksPerWake => Math.Clamp(_options.IdleTicksPerWake, 1, Math.Max(1, _options.LivenessTicks));

    /// <summary>The ticks the firing being handled counts; a firing queued before a switch back counts one.</summary>
    private int TakeWakeTicks()
    {
        _lastTickAt = _time.GetTimestamp();
        return _ticksPerWake;
    }

    /// <summary>At the end of a tick: an idle node lets its timer fire only every <see cref="IdleTicksPerWake"/> ticks.</summary>
    private void MaybeSparseTicks()
    {
        var every = IdleTicksPerWake;
        if (_ticksPerWake > 1 || every <= 1 || _ticker is null || !Idle()) return;
        _ticksPerWake = every;
        var period = _options.Tick * every;
        _ticker.Change(period, period);
    }

    /// <summary>
    /// After every iteration while ticks are sparse: work found again counts the whole ticks elapsed since the last
    /// firing (at most one firing's worth less one, since a firing already queued counts one more) and ticks every
    /// <see cref="HostOptions.Tick"/> again, the next one due where the old schedule had it.
    /// </summary>
    private void MaybeDenseTicks()
    {
        if (_ticksPerWake == 1 || Idle()) return;
        var since = _time.GetElapsedTime(_lastTickAt);
        var whole = Math.Clamp((long)(since / _options.Tick), 0, _ticksPerWake - 1);
        _ticks += whole;
        _ticksPerWake = 1;
        var due = _options.Tick * (whole + 1) - since;
        _ticker?.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, _options.Tick);
    }

    /// <summary>Nothing on this node needs a tick: every group quiesced, and no proposal, read, sync or snapshot send pending.</summary>
    private bool Idle()
    {
        if (_awaitingSync.Count > 0 || _syncInFlight || _stagedSinceSync || _snapshotSendsInFlight > 0 || _collectingReads.Count > 0) return false;
        foreach (var replica in _groups.Values)
        {
            if (!replica.Node.Quiesced || replica.Proposals.Count > 0 || !replica.ReadRequests.IsEmpty || replica.ReadsAwaitingApply.Count > 0
                || replica.PersistsInFlight > 0 || replica.SnapshotInProgress || replica.LeaseRenewals.Count > 0) return false;
        }
        return true;
    }
}
