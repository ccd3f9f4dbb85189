// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node;

/// <summary>
/// A node process runs socket completions inline on the runtime's socket-event threads
/// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>) unless the operator set the variable. Without it every
/// completed read of a peer connection wakes a thread-pool worker just to continue the receive loop, which only decodes
/// the frame and queues it for the host loop. Inline, the cluster made about 0.3 fewer context switches per put
/// (docs/benchmarks.md, "Where the whole cluster's CPU goes"). Kestrel is unaffected: it
/// hands its reads to its own queues either way. The price is that code continuing directly on a socket operation runs
/// on one of the few event threads, so such code must never block; the node's socket loops only decode, seal, open and
/// queue.
/// </summary>
internal static class SocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Called first thing in the process, before any socket exists: the runtime reads the variable once.</summary>
    public static void InlineUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null) Environment.SetEnvironmentVariable(Variable, "1");
    }
}
