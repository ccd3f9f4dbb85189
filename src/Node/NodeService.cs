// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;

namespace RaftCache.Node;

/// <summary>Starts the node with the web host and, on a graceful stop, hands its leaderships over before shutting down.</summary>
internal sealed class NodeService(CacheNode node) : IHostedService
{
    /// <summary>How long a graceful stop waits for leaderships to move.</summary>
    public static readonly TimeSpan TransferTimeout = TimeSpan.FromSeconds(3);

    public Task StartAsync(CancellationToken cancellationToken) => node.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await node.TransferAllLeadershipsAsync(TransferTimeout);
        await node.DisposeAsync();
    }
}
