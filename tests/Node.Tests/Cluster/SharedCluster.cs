// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Tests.Cluster;

/// <summary>One 3-node cluster shared by the tests of a class that only read and write (no faults).</summary>
public sealed class SharedCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(3, "--max-value-bytes", "65536");

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
