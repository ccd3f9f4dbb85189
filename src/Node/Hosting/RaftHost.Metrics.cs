// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Hosting;

public sealed partial class RaftHost
{
    /// <summary>Where the loop records its measurements (fsync, iteration time, proposals, snapshots).</summary>
    public HostInstruments Instruments { get; init; } = HostInstruments.None;

    /// <summary>Work items waiting in the inbox (metrics: a growing backlog means the loop cannot keep up).</summary>
    public int InboxBacklog => _inbox.Reader.CanCount ? _inbox.Reader.Count : 0;
}
