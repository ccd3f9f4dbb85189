// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class Raft
{
    /// <summary>
    /// Sends the next batch of entries to <paramref name="to"/> if its progress allows (probe: one at a time;
    /// replicate: within the inflights window; snapshot: never), or a snapshot when the entries it needs are
    /// compacted. Returns whether a message went out.
    /// </summary>
    private bool MaybeSendAppend(ulong to, bool sendIfEmpty)
    {
        var pr = Tracker.Get(to);
        if (pr is null || pr.IsPaused) return false;
        var prevIndex = pr.Next - 1;
        if (!Log.TryTerm(prevIndex, out var prevTerm)) return MaybeSendSnapshot(to, pr);

        List<Entry>? entries = [];
        if (pr.State != ProgressState.Replicate || !pr.Inflights.Full)
        {
            entries = Log.EntriesFrom(pr.Next, _config.MaxMessageBytes);
            if (entries is null) return MaybeSendSnapshot(to, pr);
        }

        if (entries.Count == 0 && !sendIfEmpty) return false;
        long bytes = 0;
        foreach (var e in entries) bytes += e.SizeBytes;
        Send(new Message
        {
            Type = MessageType.Append,
            To = to,
            Index = prevIndex,
            LogTerm = prevTerm,
            Entries = entries,
            Commit = Log.Committed,
            Session = pr.Session,
        });
        pr.SentEntries(entries.Count, bytes);
        return true;
    }

    private bool MaybeSendSnapshot(ulong to, Progress pr)
    {
        // Only send a (large) snapshot to a follower that is known to be alive.
        if (!pr.RecentActive) return false;
        var snapshot = Log.Snapshot();
        if (snapshot is null || snapshot.IsEmpty || snapshot.Metadata.Index + 1 < Log.FirstIndex)
        {
            _logger.Warn($"{Who}: follower {to} needs a snapshot but none is available yet");
            return false;
        }

        _logger.Info($"{Who} sends snapshot {snapshot.Metadata.Term}/{snapshot.Metadata.Index} to {to} (progress {pr})");
        pr.BecomeSnapshot(snapshot.Metadata.Index);
        Send(new Message { Type = MessageType.Snapshot, To = to, Snapshot = snapshot, Session = pr.Session });
        return true;
    }

    private void HandleAppendResponse(Message m, Progress pr)
    {
        pr.RecentActive = true;
        if (m.Reject)
        {
            // Fast backtracking: the follower told us where its log may match (RejectHint, LogTerm); skip
            // every index whose term cannot match instead of walking back one entry per round trip.
            var nextProbe = m.RejectHint;
            if (m.LogTerm > 0) nextProbe = Log.FindConflictByTerm(m.RejectHint, m.LogTerm).Index;
            if (pr.MaybeDecrTo(m.Index, nextProbe))
            {
                if (pr.State == ProgressState.Replicate) pr.BecomeProbe();
                MaybeSendAppend(m.From, sendIfEmpty: true);
            }

            return;
        }

        var wasPaused = pr.IsPaused;
        if (!pr.MaybeUpdate(m.Index) && !(pr.Match == m.Index && pr.State == ProgressState.Probe)) return;
        switch (pr.State)
        {
            case ProgressState.Probe:
                pr.BecomeReplicate();
                break;
            case ProgressState.Snapshot when pr.Match + 1 >= Log.FirstIndex:
                // The follower caught up past the compaction point (e.g. from an earlier append): resume.
                pr.BecomeProbe();
                pr.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                pr.Inflights.FreeLE(m.Index);
                break;
        }

        if (MaybeCommit())
        {
            ReleasePendingReadIndexMessages();
            BroadcastAppend();
        }
        else if (wasPaused)
        {
            MaybeSendAppend(m.From, sendIfEmpty: true);
        }

        // Flow control may now allow several size-limited messages at once; the loop ends when paused or idle.
        while (MaybeSendAppend(m.From, sendIfEmpty: false)) { }

        if (m.From == LeadTransferee && pr.Match == Log.LastIndex)
        {
            _logger.Info($"{Who} sends TimeoutNow to {m.From}: it caught up");
            SendTimeoutNow(m.From);
        }
    }
}
