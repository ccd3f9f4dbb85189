// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// A broken Raft invariant (e.g. truncating a committed entry, committing beyond the log). The node must
/// stop: continuing could lose acknowledged writes. The message names the node, term and indexes.
/// </summary>
public sealed class RaftInvariantException : InvalidOperationException
{
    public RaftInvariantException(string message) : base(message) { }

    public RaftInvariantException(string message, Exception inner) : base(message, inner) { }

    public RaftInvariantException() { }
}
