// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// The leader's view of one follower (etcd tracker.Progress). Probe: one append at a time until the
/// match point is found. Replicate: pipelined appends bounded by <see cref="Inflights"/>. Snapshot:
/// paused until the snapshot is reported done.
/// </summary>
internal sealed class Progress
{
    public Progress(ulong next, Inflights inflights, bool isLearner, ulong session)
    {
        Next = next;
        Inflights = inflights;
        IsLearner = isLearner;
        Session = session;
    }

    public ulong Match { get; set; }

    public ulong Next { get; set; }

    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>Index of the snapshot in flight while in the snapshot state.</summary>
    public ulong PendingSnapshot { get; set; }

    /// <summary>Heard from within the current election timeout (CheckQuorum).</summary>
    public bool RecentActive { get; set; }

    /// <summary>Probe: an append is outstanding. Replicate: the inflights window is full.</summary>
    public bool MsgAppFlowPaused { get; set; }

    public Inflights Inflights { get; }

    public bool IsLearner { get; set; }

    /// <summary>Index of the configuration change that (re)added this peer (pitfall 9).</summary>
    public ulong Session { get; set; }

    public bool IsPaused => State switch
    {
        ProgressState.Probe => MsgAppFlowPaused,
        ProgressState.Replicate => MsgAppFlowPaused,
        _ => true,
    };

    private void ResetState(ProgressState state)
    {
        MsgAppFlowPaused = false;
        PendingSnapshot = 0;
        State = state;
        Inflights.Reset();
    }

    public void BecomeProbe()
    {
        // After a snapshot, probe from just past it: the follower has at least the snapshot once it reports success.
        if (State == ProgressState.Snapshot)
        {
            var pending = PendingSnapshot;
            ResetState(ProgressState.Probe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.Probe);
            Next = Match + 1;
        }
    }

    public void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    public void BecomeSnapshot(ulong snapshotIndex)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
        Next = snapshotIndex + 1;
    }

    /// <summary>Records an append of <paramref name="count"/> entries carrying <paramref name="bytes"/>.</summary>
    public void SentEntries(int count, long bytes)
    {
        switch (State)
        {
            case ProgressState.Replicate:
                if (count > 0)
                {
                    Next += (ulong)count;
                    Inflights.Add(Next - 1, bytes);
                }

                MsgAppFlowPaused = Inflights.Full;
                break;
            case ProgressState.Probe:
                // One probe per heartbeat interval: the next goes out on a response or a heartbeat response.
                MsgAppFlowPaused = true;
                break;
            default:
                throw new RaftInvariantException($"sending appends in unhandled progress state {State}");
        }
    }

    /// <summary>The follower acknowledged <paramref name="n"/>; returns whether Match advanced.</summary>
    public bool MaybeUpdate(ulong n)
    {
        var updated = false;
        if (Match < n)
        {
            Match = n;
            updated = true;
            MsgAppFlowPaused = false;
        }

        Next = Math.Max(Next, n + 1);
        return updated;
    }

    /// <summary>
    /// The follower rejected an append at <paramref name="rejected"/>, hinting it may match at
    /// <paramref name="matchHint"/>. Returns false for stale rejections (out-of-order responses).
    /// </summary>
    public bool MaybeDecrTo(ulong rejected, ulong matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match) return false;
            Next = Match + 1;
            return true;
        }

        if (Next - 1 != rejected) return false;
        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        MsgAppFlowPaused = false;
        return true;
    }

    public PeerProgress ToPublic() => new(Match, Next, State, IsLearner, RecentActive);

    public override string ToString()
    {
        var text = $"{State} match={Match} next={Next}";
        if (IsLearner) text += " learner";
        if (MsgAppFlowPaused) text += " paused";
        if (PendingSnapshot > 0) text += $" pendingSnap={PendingSnapshot}";
        if (!RecentActive) text += " inactive";
        if (Inflights.Count > 0) text += $" inflight={Inflights.Count}";
        if (Inflights.Full) text += "[full]";
        return text;
    }
}
