// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.StateMachine;

namespace RaftCache.Node.Requests;

/// <summary>How fresh a read must be (API.md: linearizable by default, lease, or local).</summary>
public enum ReadConsistency
{
    Linearizable = 0,
    Lease = 1,
    Local = 2,
}

/// <summary>
/// The one seam between the protocols clients speak (REST, RESP) and the cluster: a key's shard, client sessions,
/// and writes and reads that the cluster routes itself (served here, or handed to the member that can serve them
/// over the peer connection) until they have a final <see cref="WriteOutcome"/> or <see cref="ReadOutcome"/> or the
/// caller's deadline passes. Front ends never see Raft, leaders or peers; they map outcomes to their replies.
/// </summary>
public interface ICacheCluster
{
    int ShardOfKey(ReadOnlySpan<byte> key);

    /// <summary>A session for a new write (client id, sequence), so a retried or re-forwarded write applies at most once.</summary>
    ClientSession NewSession();

    /// <summary>Marks a session's write as answered, so the state machine may forget its stored result.</summary>
    void CompleteSession(ClientSession session);

    /// <summary>
    /// Applies an encoded command (its session inside) at the shard leader. Never <see cref="WriteFate.RouteAgain"/>:
    /// routing happens inside. When <paramref name="deadline"/> fires the outcome is <see cref="WriteFate.NotApplied"/> if
    /// no attempt can still apply, <see cref="WriteFate.MayHaveApplied"/> otherwise.
    /// </summary>
    Task<WriteOutcome> WriteAsync(int shard, byte[] command, CancellationToken deadline);

    /// <summary>
    /// Reads a key at the given consistency; <see cref="ReadFate.Unavailable"/> when no replica could serve it before
    /// the deadline. Completed on return when this node could serve it at once (no task, no thread hop). With
    /// <paramref name="continueInline"/> the caller's continuation may run on the thread that confirms the read (the
    /// host loop, or the thread that received a peer's answer), saving a thread-pool hop: only for a continuation that
    /// is short and never blocks (the RESP front end's reply; not ASP.NET's request pipeline, whose code is not ours).
    /// </summary>
    ValueTask<ReadOutcome> ReadAsync(int shard, byte[] key, ReadConsistency consistency, CancellationToken deadline, bool continueInline = false);
}
