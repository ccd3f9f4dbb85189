// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Followers' read-index requests answered from the published lease on the thread that received them
/// (RaftHost.LeaseIndex.cs answers them on the loop). A follower's lease reads reach the leader as frames of ReadIndex
/// requests only; answering such a frame where it arrives spares the leader a loop wake-up and iteration per batch.
/// </summary>
public sealed partial class RaftHost
{
    /// <summary>
    /// A frame of ReadIndex requests the loop would answer from the lease (<see cref="TryAnswerReadIndexFromLease"/>),
    /// every one for a group this node leads under a published lease: answered now, and the loop
    /// is not woken (the peer is noted heard at the next tick, as a liveness frame is). The answer carries the highest
    /// index anyone may have seen: what the loop published before its last send, or what this replica applied since
    /// (a write is acknowledged once applied, possibly before the next publication), so a read confirmed by it sees
    /// every write acknowledged before it was asked. Anything else, or any request this cannot answer, and the whole
    /// frame goes to the loop: a frame is answered here entirely or not at all.
    /// </summary>
    private bool TryAnswerReadIndexesNow(ulong fromNode, IReadOnlyList<GroupMessage> batch)
    {
        if (batch.Count == 0 || batch[0].Message.Type != MessageType.ReadIndex) return false;
        var now = _time.GetTimestamp();
        var answers = new List<GroupMessage>(batch.Count);
        foreach (var (groupId, request) in batch)
        {
            if (request.Type != MessageType.ReadIndex || request.To != NodeId || request.From != fromNode) return false;
            if (!_options.ReadIndexFromLease && (request.Context & LeaseReadBit) == 0) return false;
            if (TryGetReplica(groupId) is not { } replica) return false;
            // The lease first, then its term: written in the other order, so this term is the lease's or a later one's.
            var readableUntil = replica.ReadableUntil;
            var term = replica.PublishedLeaseTerm;
            // A follower's core sends its ReadIndex without a term (as a proposal); one with a term must be this lease's.
            if (now >= readableUntil || term == 0 || (request.Term != 0 && request.Term != term)) return false;
            var index = Math.Max(replica.PublishedCommit, replica.StateMachine.AppliedIndex);
            answers.Add(new GroupMessage(groupId, new Message
            {
                Type = MessageType.ReadIndexResponse, From = NodeId, To = fromNode, Term = term, Index = index, Context = request.Context,
            }));
        }
        foreach (var (groupId, _) in batch)
        {
            // Followers' reads keep the lease renewed in the background, as on the loop.
            if (TryGetReplica(groupId) is { } replica) replica.LastLeaseRead = now;
        }
        _transport.Send(fromNode, answers);
        _heardOffLoop.Enqueue(fromNode);
        return true;
    }
}
