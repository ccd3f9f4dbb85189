// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Raft.Tests.Interaction;

/// <summary>Stable one-line texts of entries, messages and Readies for the golden files.</summary>
internal static class ReadyFormatter
{
    public static string Describe(Entry e)
    {
        var text = $"{e.Term}/{e.Index} {e.Type}";
        return e.Type switch
        {
            EntryType.ConfChange => $"{text} {ConfChangeCodec.Describe(ConfChangeCodec.Decode(e.Data.Span))}",
            EntryType.Normal => $"{text} \"{Encoding.UTF8.GetString(e.Data.Span)}\"",
            _ => text,
        };
    }

    public static string Describe(Message m)
    {
        var sb = new StringBuilder($"{m.From}->{m.To} {m.Type} Term:{m.Term}");
        if (m.LogTerm != 0 || m.Index != 0) sb.Append($" Log:{m.LogTerm}/{m.Index}");
        if (m.Commit != 0) sb.Append($" Commit:{m.Commit}");
        if (m.Reject) sb.Append(m.Type == MessageType.AppendResponse ? $" Rejected (Hint: {m.RejectHint})" : " Rejected");
        if (m.Context != 0) sb.Append($" Context:{m.Context}");
        if (m.Session != 0) sb.Append($" Session:{m.Session}");
        if (m.Entries.Count > 0) sb.Append($" Entries:[{string.Join(", ", m.Entries.Select(Describe))}]");
        if (m.Snapshot is { IsEmpty: false } s) sb.Append($" Snapshot:{s.Metadata.Term}/{s.Metadata.Index} {s.Metadata.ConfState}");
        return sb.ToString();
    }

    public static IEnumerable<string> Describe(Ready rd)
    {
        yield return rd.MustSync ? "Ready MustSync=true:" : "Ready MustSync=false:";
        if (rd.SoftState is { } ss) yield return $"State:{ss.Role} Lead:{ss.Leader}";
        if (rd.HardState is { } hs) yield return $"HardState {hs}";
        if (rd.Snapshot is { } snap) yield return $"Snapshot {snap.Metadata.Term}/{snap.Metadata.Index} {snap.Metadata.ConfState}";
        if (rd.Entries.Count > 0)
        {
            yield return "Entries:";
            foreach (var e in rd.Entries) yield return Describe(e);
        }

        if (rd.CommittedEntries.Count > 0)
        {
            yield return "CommittedEntries:";
            foreach (var e in rd.CommittedEntries) yield return Describe(e);
        }

        if (rd.Messages.Count > 0)
        {
            yield return "Messages:";
            foreach (var m in rd.Messages) yield return Describe(m);
        }

        if (rd.MessagesAfterPersist.Count > 0)
        {
            yield return "MessagesAfterPersist:";
            foreach (var m in rd.MessagesAfterPersist) yield return Describe(m);
        }

        if (rd.ReadStates.Count > 0)
        {
            yield return "ReadStates:";
            foreach (var r in rd.ReadStates) yield return $"request {r.RequestId} at index {r.Index}";
        }
    }

    public static IEnumerable<string> Status(RaftStatus st)
    {
        yield return $"{st.Id}: {st.SoftState.Role} lead={st.SoftState.Leader} {st.HardState} applied={st.Applied} last={st.LastIndex}";
        yield return $"   config {st.ConfState}" + (st.PendingConfIndex != 0 ? $" pending={st.PendingConfIndex}" : "") + (st.LeadTransferee != 0 ? $" transferee={st.LeadTransferee}" : "");
        foreach (var (id, pr) in st.Progress)
        {
            var flags = (pr.IsLearner ? " learner" : "") + (pr.RecentActive ? "" : " inactive");
            yield return $"   {id}: {pr.State} match={pr.Match} next={pr.Next}{flags}";
        }
    }
}
