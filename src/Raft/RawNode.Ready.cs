// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

public sealed partial class RawNode
{
    /// <summary>True when there is work for the host and no Ready is outstanding.</summary>
    public bool HasReady()
    {
        if (_outstanding is not null) return false;
        var log = _raft.Log;
        return _raft.SoftState != _prevSoftState
            || _raft.HardState != _prevHardState
            || log.Unstable.NextSnapshot() is not null
            || log.HasNextUnstableEntries
            || _raft.Messages.Count > 0
            || _raft.MessagesAfterPersist.Count > 0
            || _raft.SelfAfterPersist.Count > 0
            || _raft.ReadStates.Count > 0
            || log.HasNextCommittedEntries;
    }

    /// <summary>Takes the pending work. Call <see cref="Advance"/> with it once done.</summary>
    /// <exception cref="InvalidOperationException">The previous Ready was not advanced.</exception>
    public Ready TakeReady()
    {
        if (_outstanding is not null) throw new InvalidOperationException($"node {Id}: call Advance with the previous Ready before taking another");
        var log = _raft.Log;
        var soft = _raft.SoftState;
        var hard = _raft.HardState;
        var entries = log.NextUnstableEntries();
        var snapshot = log.Unstable.NextSnapshot();
        var committed = log.NextCommittedEntries(_config.MaxCommittedBytesPerReady);
        HardState? emittedHard = null;
        if (hard != _prevHardState)
        {
            // Planted bug: the vote never reaches stable storage, so a restarted node may vote twice in a term.
            emittedHard = (_config.PlantedBugs & PlantedBugs.VoteNotPersisted) != 0 ? hard with { Vote = 0 } : hard;
        }

        var ready = new Ready
        {
            SoftState = soft != _prevSoftState ? soft : null,
            HardState = emittedHard,
            Entries = entries,
            Snapshot = snapshot,
            Messages = [.. _raft.Messages],
            MessagesAfterPersist = [.. _raft.MessagesAfterPersist],
            CommittedEntries = committed,
            ReadStates = [.. _raft.ReadStates],
            MustSync = entries.Count > 0 || snapshot is not null || hard.Term != _prevHardState.Term || hard.Vote != _prevHardState.Vote,
            SelfMessages = [.. _raft.SelfAfterPersist],
        };

        _prevSoftState = soft;
        _prevHardState = hard;
        _raft.Messages.Clear();
        _raft.MessagesAfterPersist.Clear();
        _raft.SelfAfterPersist.Clear();
        _raft.ReadStates.Clear();
        log.Unstable.AcceptInProgress();
        if (committed.Count > 0)
        {
            log.AcceptApplying(committed[^1].Index);
            foreach (var e in committed)
            {
                if (e.Type == EntryType.ConfChange) _confChangeIndexes.Enqueue(e.Index);
            }
        }

        _outstanding = ready;
        return ready;
    }

    /// <summary>
    /// Acknowledges that <paramref name="ready"/> was persisted, sent and applied as its contract says.
    /// Only now does the leader count its own new entries toward commit and the candidate its own vote.
    /// </summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!ReferenceEquals(ready, _outstanding)) throw new InvalidOperationException($"node {Id}: Advance with a Ready that is not the outstanding one");
        _outstanding = null;
        var log = _raft.Log;
        var applied = false;
        if (ready.Snapshot is { } snapshot)
        {
            log.StableSnapTo(snapshot.Metadata.Index);
            if (snapshot.Metadata.Index > log.Applied && snapshot.Metadata.Index <= log.Committed)
            {
                log.AppliedTo(snapshot.Metadata.Index);
                applied = true;
            }
        }

        // Pitfall 13: ignored when a newer leader overwrote these entries after the Ready was taken.
        if (ready.Entries.Count > 0) log.StableTo(ready.Entries[^1].Index, ready.Entries[^1].Term);
        if (ready.CommittedEntries.Count > 0)
        {
            log.AppliedTo(Math.Max(log.Applied, Math.Min(ready.CommittedEntries[^1].Index, log.Committed)));
            _raft.ReduceUncommittedBytes(ready.CommittedEntries);
            applied = true;
        }

        _raft.OnEntriesPersisted();
        foreach (var m in ready.SelfMessages) _raft.Step(m);
        if (applied) _raft.MaybeAutoLeave();
    }
}
