// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>
    /// Handles one Ready exactly as a host must (the contract in Ready.cs): send Messages, persist the
    /// snapshot, entries and hard state, then send MessagesAfterPersist, apply, and Advance.
    /// </summary>
    public bool ProcessReady(ulong id)
    {
        if (!TakeReady(id)) return false;
        PersistReady(id);
        return true;
    }

    /// <summary>First half of <see cref="ProcessReady"/>: takes the Ready and sends its safe messages; the write is in flight.</summary>
    public bool TakeReady(ulong id)
    {
        var node = this[id];
        if (node.Held is not null || !node.Raw.HasReady()) return false;
        var rd = node.Raw.TakeReady();
        Output.AppendLine($"> {id} handling Ready");
        foreach (var line in ReadyFormatter.Describe(rd)) Output.AppendLine("  " + line);
        Messages.AddRange(rd.Messages);
        node.Held = rd;
        return true;
    }

    /// <summary>Second half: the write of the held Ready completes; then acknowledgements, apply and Advance.</summary>
    public void PersistReady(ulong id)
    {
        var node = this[id];
        var rd = node.Held ?? throw new InvalidOperationException($"node {id} holds no Ready");
        node.Held = null;
        if (rd.Snapshot is { } snapshot)
        {
            node.Log.ApplySnapshot(snapshot);
            node.Applied.Clear();
            node.AppliedIndex = snapshot.Metadata.Index;
        }

        node.Log.Append(rd.Entries);
        if (rd.HardState is { } hs) node.Log.SetHardState(hs);
        Messages.AddRange(rd.MessagesAfterPersist);
        foreach (var e in rd.CommittedEntries) Apply(node, e);
        node.ReadStates.AddRange(rd.ReadStates);
        node.Raw.Advance(rd);
    }

    private static void Apply(TestNode node, Entry e)
    {
        if (e.Index != node.AppliedIndex + 1)
            throw new InvalidOperationException($"node {node.Id} applies {e.Index} after {node.AppliedIndex}");
        node.AppliedIndex = e.Index;
        node.Applied.Add(e);
        if (e.Type == EntryType.ConfChange)
        {
            // MemoryRaftLog keeps the snapshot's ConfState; a restart re-applies later changes from the log.
            node.Raw.ApplyConfChange(ConfChangeCodec.Decode(e.Data.Span));
        }
    }

    /// <summary>
    /// Delivers queued messages addressed to <paramref name="to"/> (all nodes when null) that match
    /// <paramref name="select"/>; messages across a partition are dropped. Returns how many were taken.
    /// </summary>
    public int DeliverMessages(ulong? to, Func<Message, bool>? select = null)
    {
        bool Chosen(Message m) => (to is null || m.To == to) && (select?.Invoke(m) ?? true);
        var batch = Messages.Where(Chosen).ToList();
        Messages.RemoveAll(Chosen);
        foreach (var m in batch)
        {
            if (!_nodes.ContainsKey(m.To) || IsCut(m))
            {
                Output.AppendLine($"  dropped: {ReadyFormatter.Describe(m)}");
                continue;
            }

            Output.AppendLine($"  {ReadyFormatter.Describe(m)}");
            _nodes[m.To].Raw.Step(m);
        }

        return batch.Count;
    }

    /// <summary>
    /// Processes Readies and delivers messages among <paramref name="ids"/> (sender and receiver both in
    /// the set) until nothing moves; bounded.
    /// </summary>
    public void Stabilize(IReadOnlyCollection<ulong>? ids = null)
    {
        var members = ids ?? _nodes.Keys.ToList();
        bool Internal(Message m) => members.Contains(m.From);
        for (var round = 0; round < 10_000; round++)
        {
            var moved = false;
            foreach (var id in members) moved |= ProcessReady(id);
            foreach (var id in members)
            {
                if (!Messages.Any(m => m.To == id && Internal(m))) continue;
                Output.AppendLine($"> {id} receiving messages");
                moved |= DeliverMessages(id, Internal) > 0;
            }

            if (!moved) return;
        }

        throw new InvalidOperationException("stabilize did not converge in 10000 rounds");
    }

    public void Tick(ulong id, int count)
    {
        for (var i = 0; i < count; i++) this[id].Raw.Tick();
    }

    /// <summary>The unique node that believes it leads at the highest term, or 0.</summary>
    public ulong Leader()
    {
        var leaders = _nodes.Values.Select(n => n.Raw.Status()).Where(s => s.SoftState.Role == RaftRole.Leader).OrderByDescending(s => s.HardState.Term).ToList();
        return leaders.Count == 0 ? 0 : leaders[0].Id;
    }
}
