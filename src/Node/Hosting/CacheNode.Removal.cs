// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Hosting;

public sealed partial class CacheNode
{
    private readonly TaskCompletionSource<string> _removed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes, with the reason, once this node knows it was removed from its cluster: from the metadata it applied
    /// (its id among the removed), or from a member that proved its membership and refused it as removed (the only
    /// way when the removal committed while this node was down or cut off, since a removed node no longer receives
    /// the metadata log). Never completes otherwise. From then on the node serves no keys and is not ready.
    /// </summary>
    public Task<string> Removed => _removed.Task;

    /// <summary>The reason this node was removed, or null while it is a member.</summary>
    public string? RemovedReason => _removed.Task.IsCompleted ? _removed.Task.Result : null;

    // Called from the metadata apply path (host loop) and from transport threads; the first report wins.
    private void MarkRemoved(string reason)
    {
        if (_removed.TrySetResult(reason)) LogRemoved(_logger, _options.Id, reason);
    }

    private void OnRefusedAsRemoved(ulong peer, string reason) => MarkRemoved($"member {peer} refused this node: {reason}");

    private void MaybeMarkRemoved(Metadata.ClusterRecord record)
    {
        if (record.RemovedIds.Contains(_options.Id))
            MarkRemoved($"node {_options.Id} was removed from cluster {Metadata.ClusterRecord.FormatId(record.ClusterId)}: wipe its data folder and add it again");
    }

    /// <summary>
    /// On the host loop at every tick. The controller takes a leaving member out of the metadata group only once it
    /// holds no replica, as the last step before recording its removal; a node that applied that step receives no
    /// metadata afterwards (and, being in no group, sends nothing a peer could refuse), so this is how it learns.
    /// </summary>
    private void CheckOwnRemoval()
    {
        if (_removed.Task.IsCompleted) return;
        if (!_metadata.Current.Members.TryGetValue(_options.Id, out var self) || self.State != Metadata.MemberState.Leaving) return;
        var conf = Host.TryGetReplica(MetadataGroup)?.Node.Status().ConfState;
        if (conf is null || !(conf.Voters.Contains(_options.Id) || conf.VotersOutgoing.Contains(_options.Id) || conf.Learners.Contains(_options.Id)))
            MarkRemoved($"node {_options.Id} was drained and taken out of the metadata group of cluster {Metadata.ClusterRecord.FormatId(_clusterId)}: wipe its data folder and add it again");
    }

    [LoggerMessage(EventId = 75310, Level = LogLevel.Critical, Message = "Node {Node} was removed from its cluster and stops serving: {Reason}")]
    private static partial void LogRemoved(ILogger logger, ulong node, string reason);
}
