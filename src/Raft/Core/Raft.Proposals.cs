// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class Raft
{
    /// <summary>
    /// A local proposal: appended on the leader, forwarded by a follower that knows its leader (when
    /// <paramref name="forward"/>), otherwise dropped with the reason (pitfall 17: callers learn exactly what happened).
    /// </summary>
    public ProposeResult Propose(IReadOnlyList<Entry> entries, bool forward = true)
    {
        Wake();
        foreach (var e in entries)
        {
            if (e.Data.Length > _config.MaxEntryBytes) return ProposeResult.Dropped(ProposeOutcome.TooLarge, Lead);
        }

        if (State == RaftRole.Leader) return ProposeAsLeader(entries);
        if (State != RaftRole.Follower || Lead == 0 || !forward) return ProposeResult.Dropped(ProposeOutcome.NotLeader, Lead);
        Send(new Message { Type = MessageType.Propose, To = Lead, Entries = entries });
        return new ProposeResult(ProposeOutcome.Forwarded, 0, 0, Lead);
    }

    private ProposeResult ProposeAsLeader(IReadOnlyList<Entry> entries)
    {
        if (Tracker.Get(Id) is null) return ProposeResult.Dropped(ProposeOutcome.NotLeader, 0); // removed, stepping down
        if (LeadTransferee != 0) return ProposeResult.Dropped(ProposeOutcome.TransferInProgress, LeadTransferee);
        var pendingConf = PendingConfIndex;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Type != EntryType.ConfChange) continue;
            var index = Log.LastIndex + (ulong)i + 1;
            ConfChange change;
            try
            {
                change = ConfChangeCodec.Decode(entries[i].Data.Span);
            }
            catch (FormatException e)
            {
                _logger.Warn($"{Who} rejected a malformed configuration change: {e.Message}");
                PendingConfIndex = pendingConf;
                return ProposeResult.Dropped(ProposeOutcome.ConfChangeRejected, Id);
            }

            var error = CheckConfChange(change, index);
            if (error is not null)
            {
                _logger.Info($"{Who} rejected configuration change {ConfChangeCodec.Describe(change)}: {error}");
                PendingConfIndex = pendingConf;
                return ProposeResult.Dropped(ProposeOutcome.ConfChangeRejected, Id);
            }

            PendingConfIndex = index;
        }

        if (!AppendEntries(entries))
        {
            PendingConfIndex = pendingConf;
            return ProposeResult.Dropped(ProposeOutcome.UncommittedLimit, Id);
        }

        BroadcastAppend();
        return new ProposeResult(ProposeOutcome.Accepted, Log.LastIndex - (ulong)entries.Count + 1, Term, Id);
    }
}
