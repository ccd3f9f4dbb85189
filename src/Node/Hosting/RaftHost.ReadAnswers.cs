// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;
using RaftCache.Raft;

namespace RaftCache.Node.Hosting;

/// <summary>
/// A leader's answer to this follower's ReadIndex request is taken on the thread that received it: the reads it
/// confirms are answered there when this replica has applied up to the answer's index, with no hop to the loop (a
/// linearizable read through a follower costs one message each way and no loop iteration on the follower).
/// <para>
/// Why the core need not see the answer: a ReadIndexResponse leaves only a leader that confirmed, for this very
/// request, that no other leader could have committed past its commit index when the request arrived (a quorum
/// round, the asker's own acknowledgement of the leader's term, or, for a lease read, its lease). The answer stays
/// true whatever this replica's term is by now; the core would only add it to its read states (and drop one from an
/// older term, which is only cautious). Request ids start at a random point in every process, so an answer finds at most its own batch.
/// </para>
/// </summary>
public sealed partial class RaftHost
{
    /// <summary>
    /// Answers the reads confirmed by the ReadIndexResponses of <paramref name="batch"/> and returns what is left for
    /// the loop (the same list when it holds no such answer, so the common frame costs no copy).
    /// </summary>
    private IReadOnlyList<GroupMessage> TakeReadAnswers(IReadOnlyList<GroupMessage> batch)
    {
        List<GroupMessage>? rest = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var (groupId, message) = batch[i];
            var taken = message.Type == MessageType.ReadIndexResponse && TryTakeReadAnswer(groupId, message);
            if (taken && rest is null)
            {
                rest = new List<GroupMessage>(batch.Count);
                for (var j = 0; j < i; j++) rest.Add(batch[j]);
            }
            else if (!taken) rest?.Add(batch[i]);
        }
        return rest ?? batch;
    }

    private bool TryTakeReadAnswer(ulong groupId, Message answer)
    {
        if (TryGetReplica(groupId) is not { } replica || !replica.ReadRequests.TryRemove(answer.Context, out var reads)) return false;
        if (replica.StateMachine.AppliedIndex >= answer.Index)
        {
            reads.CompleteOffLoop(true, ReadAnswerExecutor);
            return true;
        }
        // Confirmed but not applied here yet: the loop answers once it applied up to the index.
        var index = answer.Index;
        Post(() =>
        {
            if (!_groups.TryGetValue(groupId, out var current) || !ReferenceEquals(current, replica))
            {
                reads.Complete(false);
                return;
            }
            replica.ReadsAwaitingApply.Add((index, reads));
            ReleaseReads(replica);
        });
        return true;
    }
}
